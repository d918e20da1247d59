package dev.reviewenv.engine.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.job.Job;
import dev.reviewenv.testsupport.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Against a real redis-server. */
class RedisJobStoreTest {
    static RedisServer server;
    RedisJobStore store;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void open() {
        try (RedisClient c = RedisClient.create(java.net.URI.create(server.url()))) {
            c.flushAll();
        }
        store = new RedisJobStore(server.url(), 4096, Duration.ofDays(1));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static Job.Request deploy(String ref, String sha) {
        return new Job.Request(Job.DEPLOY, "team/shop", ref, sha, "x", "http://x.localhost", Map.of("lifetime", "2d"), "push");
    }

    @Test
    void aJobIsAHashWithTheContractFieldsAndIsTakenInOrder() {
        var first = store.enqueue(deploy("refs/heads/a", "1".repeat(40)), Instant.now());
        var second = store.enqueue(deploy("refs/heads/b", "2".repeat(40)), Instant.now());
        try (RedisClient c = RedisClient.create(java.net.URI.create(server.url()))) {
            Map<String, String> h = c.hgetAll("reviewenv:job:" + first.id());
            for (String f : new String[] {"repository", "ref", "revision", "status", "output"}) {
                assertTrue(h.containsKey(f), f);
            }
            assertEquals("queued", h.get("status"));
        }
        Job taken = store.take(Duration.ofSeconds(1), Instant.now()).orElseThrow();
        assertEquals(first.id(), taken.id());
        assertEquals("running", taken.status());
        assertEquals(Map.of("lifetime", "2d"), taken.options());
        assertEquals(second.id(), store.take(Duration.ofSeconds(1), Instant.now()).orElseThrow().id());
        store.finish(taken, Job.SUCCEEDED, "http://x.localhost", null, Instant.now());
        assertEquals("succeeded", store.find(first.id()).orElseThrow().status());
    }

    @Test
    void aNewPushToTheSameBranchCancelsTheJobThatHasNotStarted() {
        var old = store.enqueue(deploy("refs/heads/a", "1".repeat(40)), Instant.now());
        var newer = store.enqueue(deploy("refs/heads/a", "2".repeat(40)), Instant.now());
        assertEquals(old.id(), newer.superseded().orElseThrow());
        Job cancelled = store.find(old.id()).orElseThrow();
        assertEquals("cancelled", cancelled.status());
        assertTrue(cancelled.output().contains("superseded by job " + newer.id()));
        assertEquals(newer.id(), store.take(Duration.ofSeconds(1), Instant.now()).orElseThrow().id());
        assertTrue(store.take(Duration.ofMillis(100), Instant.now()).isEmpty(), "the cancelled job is never run");
    }

    @Test
    void aRunningJobIsNotSuperseded() {
        var running = store.enqueue(deploy("refs/heads/a", "1".repeat(40)), Instant.now());
        store.take(Duration.ofSeconds(1), Instant.now()).orElseThrow();
        var next = store.enqueue(deploy("refs/heads/a", "2".repeat(40)), Instant.now());
        assertTrue(next.superseded().isEmpty());
        assertEquals("running", store.find(running.id()).orElseThrow().status());
    }

    @Test
    void outputIsBoundedAndAReaderFollowsItByteForByte() {
        var id = store.enqueue(deploy("refs/heads/a", "1".repeat(40)), Instant.now()).id();
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
        var id = store.enqueue(deploy("refs/heads/a", "1".repeat(40)), Instant.now()).id();
        for (int attempt = 1; attempt <= RedisJobStore.MAX_ATTEMPTS; attempt++) {
            RedisJobStore dead = new RedisJobStore(server.url(), 4096, Duration.ofDays(1));
            assertEquals(id, dead.take(Duration.ofSeconds(1), Instant.now()).orElseThrow().id());
            try (RedisClient c = RedisClient.create(java.net.URI.create(server.url()))) {
                c.del("reviewenv:worker:" + dead.instance());
            }
            assertEquals(1, store.recoverAbandoned(Instant.now()));
        }
        Job failed = store.find(id).orElseThrow();
        assertEquals("failed", failed.status());
        assertTrue(failed.error().contains("stopped 3 times"), failed.error());
        assertFalse(store.queued().contains(id));
    }

    @Test
    void aNameIsClaimedByOneBranchOnly() {
        assertTrue(store.claim("feature-foo", "team/shop", "refs/heads/feature/foo"));
        assertTrue(store.claim("feature-foo", "team/shop", "refs/heads/feature/foo"));
        assertFalse(store.claim("feature-foo", "team/shop", "refs/heads/feature.foo"));
        store.release("feature-foo");
        assertTrue(store.claim("feature-foo", "team/shop", "refs/heads/feature.foo"));
    }
}
