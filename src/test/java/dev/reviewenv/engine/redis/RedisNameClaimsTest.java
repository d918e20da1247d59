package dev.reviewenv.engine.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.FreshRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against a real redis-server. */
class RedisNameClaimsTest {
    @RegisterExtension
    static final FreshRedis REDIS = new FreshRedis();

    @Test
    void aNameIsClaimedByOneBranchOnly() {
        RedisNameClaims claims = new RedisNameClaims(REDIS.redis());
        assertTrue(claims.claim("feature-foo", "team/shop\nrefs/heads/feature/foo"));
        assertTrue(claims.claim("feature-foo", "team/shop\nrefs/heads/feature/foo"));
        assertFalse(claims.claim("feature-foo", "team/shop\nrefs/heads/feature.foo"));
        claims.release("feature-foo");
        assertTrue(claims.claim("feature-foo", "team/shop\nrefs/heads/feature.foo"));
    }
}
