package dev.reviewenv.engine.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real redis-server. */
class RedisNameClaimsTest {
    static RedisServer server;
    static Redis redis;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        redis = Redis.connect(server.url());
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        server.close();
    }

    @Test
    void aNameIsClaimedByOneBranchOnly() {
        RedisNameClaims claims = new RedisNameClaims(redis);
        assertTrue(claims.claim("feature-foo", "team/shop\nrefs/heads/feature/foo"));
        assertTrue(claims.claim("feature-foo", "team/shop\nrefs/heads/feature/foo"));
        assertFalse(claims.claim("feature-foo", "team/shop\nrefs/heads/feature.foo"));
        claims.release("feature-foo");
        assertTrue(claims.claim("feature-foo", "team/shop\nrefs/heads/feature.foo"));
    }
}
