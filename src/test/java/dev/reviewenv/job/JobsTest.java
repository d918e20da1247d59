package dev.reviewenv.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.redis.Redis;
import dev.reviewenv.engine.redis.RedisJobQueue;
import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.testsupport.FreshRedis;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** The job stage over the Redis queue, against a real redis-server. */
class JobsTest {
    @RegisterExtension
    static final FreshRedis REDIS = new FreshRedis();
    Redis redis;
    Jobs store;

    @BeforeEach
    void open() {
        redis = REDIS.redis();
        store = jobs(redis);
    }

    static Jobs jobs(Redis redis) {
        return new Jobs(new RedisJobQueue(redis, 4096, Duration.ofDays(1), Duration.ofSeconds(30)),
                dev.reviewenv.config.Secrets.of(java.util.List.of()), Clock.systemUTC());
    }

    Jobs.Queued deploy(String ref, String sha) {
        return store.requestDeploy(new Branch("team/shop", ref), sha, EnvironmentName.of("x"),
                Address.parse("http://x.localhost"), Map.of("lifetime", "2d"));
    }

    @Test
    void aJobIsAHashWithTheContractFieldsAndIsTakenInOrder() {
        var first = deploy("refs/heads/a", "1".repeat(40));
        var second = deploy("refs/heads/b", "2".repeat(40));
        try (RedisClient c = RedisClient.create(java.net.URI.create(REDIS.url()))) {
            Map<String, String> h = c.hgetAll("reviewenv:job:" + first.id());
            for (String f : new String[] {"repository", "ref", "revision", "status", "output"}) {
                assertTrue(h.containsKey(f), f);
            }
            assertEquals("queued", h.get("status"));
        }
        Job taken = store.take(Duration.ofSeconds(1)).orElseThrow();
        assertEquals(first.id(), taken.id());
        assertEquals("running", taken.status().key());
        assertEquals(Map.of("lifetime", "2d"), taken.options());
        assertEquals(second.id(), store.take(Duration.ofSeconds(1)).orElseThrow().id());
        store.finish(taken, dev.reviewenv.engine.redis.JobStatus.SUCCEEDED, "http://x.localhost", null);
        assertEquals("succeeded", store.find(first.id()).orElseThrow().status().key());
    }

    @Test
    void aNewPushToTheSameBranchCancelsTheJobThatHasNotStarted() {
        var old = deploy("refs/heads/a", "1".repeat(40));
        var newer = deploy("refs/heads/a", "2".repeat(40));
        assertEquals(old.id(), newer.superseded().orElseThrow());
        Job cancelled = store.find(old.id()).orElseThrow();
        assertEquals("cancelled", cancelled.status().key());
        assertTrue(cancelled.output().contains("superseded by job " + newer.id()));
        assertEquals(newer.id(), store.take(Duration.ofSeconds(1)).orElseThrow().id());
        assertTrue(store.take(Duration.ofMillis(100)).isEmpty(), "the cancelled job is never run");
    }

    @Test
    void aRunningJobIsNotSuperseded() {
        var running = deploy("refs/heads/a", "1".repeat(40));
        store.take(Duration.ofSeconds(1)).orElseThrow();
        var next = deploy("refs/heads/a", "2".repeat(40));
        assertTrue(next.superseded().isEmpty());
        assertEquals("running", store.find(running.id()).orElseThrow().status().key());
    }

    @Test
    void outputIsBoundedAndAReaderFollowsItByteForByte() {
        var id = deploy("refs/heads/a", "1".repeat(40)).id();
        store.append(id, "line one\n");
        var chunk = store.output(id);
        assertEquals(9, chunk.total());
        store.append(id, "line two\n");
        assertArrayEquals("line two\n".getBytes(StandardCharsets.UTF_8), store.output(id).after(chunk.total()));
        for (int i = 0; i < 200; i++) {
            store.append(id, "%04d %s\n".formatted(i, "x".repeat(60)));
        }
        String out = store.find(id).orElseThrow().output();
        assertTrue(out.length() <= 4096, "kept " + out.length());
        assertTrue(out.endsWith("0199 " + "x".repeat(60) + "\n"), "the newest output is kept");
        assertTrue(out.startsWith("0"), "cut at a line start: " + out.substring(0, 10));
    }

    @Test
    void jobsOfAWorkerThatStoppedAreTakenAgainThenFailedWithTheReason() {
        var id = deploy("refs/heads/a", "1".repeat(40)).id();
        for (int attempt = 1; attempt <= RedisJobQueue.MAX_ATTEMPTS; attempt++) {
            Jobs dead = jobs(redis);
            assertEquals(id, dead.take(Duration.ofSeconds(1)).orElseThrow().id());
            dead.leave();
            assertEquals(1, store.recoverAbandoned());
        }
        Job failed = store.find(id).orElseThrow();
        assertEquals("failed", failed.status().key());
        assertTrue(failed.error().contains("stopped 3 times"), failed.error());
        assertFalse(store.queued().contains(id));
    }
}
