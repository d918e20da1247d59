package dev.reviewenv.engine.redis;

import java.util.List;
import java.util.Optional;

/**
 * Which branch holds which environment name, in the Redis hash {@code reviewenv:names}: a name
 * is claimed by one branch (its key, repository and ref) from its first push until its
 * environment ends, so two pushes at once never get the same name.
 */
public class RedisNameClaims {
    static final String NAMES = "reviewenv:names";
    private static final String CLAIM = """
            local holder = redis.call('HGET', KEYS[1], ARGV[1])
            if not holder then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
              return 1
            end
            if holder == ARGV[2] then return 1 end
            return 0
            """;

    private final Redis redis;

    public RedisNameClaims(Redis redis) {
        this.redis = redis;
    }

    /** Claims {@code name} for {@code holder}; true when it was free or already the holder's. */
    public boolean claim(String name, String holder) {
        return redis.call(c -> {
            return Long.valueOf(1).equals(c.eval(CLAIM, List.of(NAMES), List.of(name, holder)));
        });
    }

    public Optional<String> holderOf(String name) {
        return redis.call(c -> {
            return Optional.ofNullable(c.hget(NAMES, name));
        });
    }

    public void release(String name) {
        redis.run(c -> {
            c.hdel(NAMES, name);
        });
    }
}
