package dev.reviewenv.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.FreshRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** The queue's contract against a real redis-server, key by key: what each verb leaves in Redis. */
class RedisJobQueueTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    @RegisterExtension
    static final FreshRedis REDIS = new FreshRedis();
    Redis redis;
    RedisClient raw;

    @BeforeEach
    void open() {
        redis = REDIS.redis();
        raw = REDIS.raw();
    }

    RedisJobQueue queue(int outputLimit) {
        return new RedisJobQueue(redis, outputLimit, Duration.ofHours(1), Duration.ofSeconds(30));
    }

    static Map<String, String> fields(String id) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", id);
        f.put("status", JobStatus.QUEUED.key());
        f.put("attempts", "0");
        return f;
    }

    @Test
    void aNewJobOfABranchCancelsItsQueuedOneAndEveryJobGetsItsBranchsNextNumber() {
        RedisJobQueue q = queue(4096);
        assertEquals(Optional.empty(), q.enqueue("a", "team/shop:main", fields("a"), NOW));
        assertEquals(Optional.of("a"), q.enqueue("b", "team/shop:main", fields("b"), NOW));
        assertEquals(Optional.empty(), q.enqueue("c", "team/shop:other", fields("c"), NOW));
        Map<String, String> a = raw.hgetAll(RedisJobQueue.JOB + "a");
        assertEquals("cancelled", a.get("status"));
        assertEquals("superseded by job b before it started\n", a.get("output"));
        assertTrue(raw.ttl(RedisJobQueue.JOB + "a") > 0, "an ended job expires");
        assertEquals(List.of("b", "c"), q.queued());
        assertEquals(2, q.latest("team/shop:main"));
        assertEquals(3, q.latest("team/shop:other"));
        assertEquals("2", raw.hget(RedisJobQueue.JOB + "b", "seq"));
    }

    @Test
    void aTakenJobRunsOnceItsOutputKeepsTheNewestBytesAndItsEndMovesTheLogIntoTheHash() {
        RedisJobQueue q = queue(16);
        q.enqueue("a", "b:1", fields("a"), NOW);
        Map<String, String> taken = q.take(Duration.ofSeconds(1), () -> NOW).orElseThrow();
        assertEquals("running", taken.get("status"));
        assertEquals("1", taken.get("attempts"));
        assertEquals(java.util.Set.of("a"), q.held());
        q.append("a", "first line\n");
        q.append("a", "second line\n");
        assertEquals("second line\n", q.find("a").orElseThrow().get("output"), "the newest 16 bytes, from a line start");
        assertEquals(23, q.output("a").total());
        assertEquals(JobStatus.RUNNING, q.output("a").status());
        q.finish("a", "b:1", JobStatus.SUCCEEDED, "http://a.localhost", null, NOW);
        Map<String, String> done = raw.hgetAll(RedisJobQueue.JOB + "a");
        assertEquals("succeeded", done.get("status"));
        assertEquals("http://a.localhost", done.get("url"));
        assertEquals("second line\n", done.get("output"));
        assertFalse(done.containsKey("error"));
        assertFalse(raw.exists(RedisJobQueue.JOB + "a" + RedisJobQueue.LOG), "the log moved into the hash");
        assertEquals(java.util.Set.of(), q.held());
        assertEquals(JobStatus.SUCCEEDED, q.output("a").status());
        assertEquals(Optional.empty(), q.take(Duration.ofMillis(100), () -> NOW), "nothing is taken twice");
    }

    @Test
    void aJobHandedBackIsTakenNextItsTryUncountedAndAnAbandonedOneFailsAfterTheLastTry() {
        RedisJobQueue q = queue(4096);
        q.enqueue("a", "b:1", fields("a"), NOW);
        q.enqueue("b", "b:2", fields("b"), NOW);
        q.take(Duration.ofSeconds(1), () -> NOW).orElseThrow();
        assertTrue(q.handBack("a", "--- the service stops\n"));
        assertEquals("0", raw.hget(RedisJobQueue.JOB + "a", "attempts"));
        assertEquals(List.of("a", "b"), q.queued(), "handed back to the head of the queue");
        // A worker that died mid-job left it in its processing list; after the last try it fails.
        for (int i = 0; i < RedisJobQueue.MAX_ATTEMPTS; i++) {
            assertEquals("a", q.take(Duration.ofSeconds(1), () -> NOW).orElseThrow().get("id"));
            assertEquals(1, q.recoverOwn(java.util.Set.of("a"), NOW));
        }
        Map<String, String> failed = raw.hgetAll(RedisJobQueue.JOB + "a");
        assertEquals("failed", failed.get("status"));
        assertEquals("the worker running this job stopped 3 times; giving up", failed.get("error"));
        assertEquals(List.of("b"), q.queued());
    }

    @Test
    void theScriptsSpellNoStatusOrKeyOfTheirOwnAndTakeTheirArgumentsByName() {
        for (LuaScript s : List.of(JobScripts.ENQUEUE, JobScripts.START, JobScripts.APPEND, JobScripts.FINISH, JobScripts.RECOVER,
                JobScripts.REQUEUE, JobScripts.HAND_BACK)) {
            for (JobStatus status : JobStatus.values()) {
                String spelled = s.text().replace("'" + status.key() + "'", "");
                assertEquals(-1, spelled.indexOf(status.key() + "'"), "only Java's words: " + status.key());
            }
            assertFalse(s.text().contains("$"), s.text());
        }
        assertTrue(JobScripts.START.text().startsWith("local id = ARGV[1]\nlocal now = ARGV[2]\nlocal worker = ARGV[3]\n"));
        assertThrows(IllegalArgumentException.class, () -> JobScripts.START.args(Map.of("id", "a", "now", "t")));
        assertThrows(IllegalArgumentException.class, () -> new LuaScript(List.of(), "return $done"));
        assertEquals(List.of("a", "t", "w"), JobScripts.START.args(Map.of("worker", "w", "now", "t", "id", "a")));
    }
}
