package dev.reviewenv.engine.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.RedisServer;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Every way Redis can fail to serve is {@link RedisUnavailable} (503 + Retry-After); a wrong request is not. */
class RedisFailuresTest {
    @Test
    void whatSaysRedisCannotServeNow() {
        assertTrue(Redis.unavailable(new JedisConnectionException("Connection refused")));
        assertTrue(Redis.unavailable(new JedisException("Could not get a resource from the pool", new NoSuchElementException("Timeout waiting for idle object"))));
        assertTrue(Redis.unavailable(new JedisDataException("LOADING Redis is loading the dataset in memory")));
        assertTrue(Redis.unavailable(new JedisBusyException("BUSY Redis is busy running a script")));
        assertTrue(Redis.unavailable(new JedisDataException("MASTERDOWN Link with MASTER is down")));
        assertFalse(Redis.unavailable(new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value")));
        assertFalse(Redis.unavailable(new JedisDataException("ERR Error running script")));
    }

    @Test
    void aRedisThatIsDownOrGoneIsUnavailable() {
        try (RedisServer server = RedisServer.start(); Redis redis = Redis.connect(server.url())) {
            redis.ping();
            server.down();
            assertThrows(RedisUnavailable.class, () -> redis.call(c -> c.get("x")));
            server.up();
            redis.call(c -> c.get("x"));
        }
        try (Redis nowhere = Redis.connect("redis://127.0.0.1:" + RedisServer.freePort())) {
            assertThrows(RedisUnavailable.class, () -> nowhere.call(c -> c.get("x")));
        }
    }
}
