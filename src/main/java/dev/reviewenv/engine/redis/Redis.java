package dev.reviewenv.engine.redis;

import java.io.Closeable;
import java.net.URI;
import java.util.function.Consumer;
import java.util.function.Function;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The one connection pool to Redis ({@code reviewenv.redis-url}), shared by the job queue and the name claims. */
public final class Redis implements Closeable {
    private final RedisClient client;

    private Redis(RedisClient client) {
        this.client = client;
    }

    public static Redis connect(String url) {
        return new Redis(RedisClient.create(URI.create(url)));
    }

    /** Runs {@code work} against Redis; a Redis that cannot be reached is a {@link RedisUnavailable}. */
    <T> T call(Function<RedisClient, T> work) {
        try {
            return work.apply(client);
        } catch (JedisConnectionException e) {
            throw new RedisUnavailable(e);
        }
    }

    void run(Consumer<RedisClient> work) {
        call(c -> {
            work.accept(c);
            return null;
        });
    }

    /** Fails with the next step when Redis does not answer. */
    public void ping() {
        try {
            call(RedisClient::ping);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Redis does not answer at reviewenv.redis-url (" + e.getMessage()
                    + "); start it (deploy/host-deps.sh does)", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
