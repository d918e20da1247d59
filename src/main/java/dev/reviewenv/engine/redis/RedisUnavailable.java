package dev.reviewenv.engine.redis;

/** Redis could not be reached (down, restarting, or its connections lost); what was asked was not done. */
public class RedisUnavailable extends RuntimeException {
    RedisUnavailable(Throwable cause) {
        super("Redis does not answer at reviewenv.redis-url (" + cause.getMessage() + ")", cause);
    }
}
