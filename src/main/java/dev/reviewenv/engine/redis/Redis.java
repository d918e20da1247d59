package dev.reviewenv.engine.redis;

import java.io.Closeable;
import java.net.URI;
import redis.clients.jedis.RedisClient;

/** The one connection pool to Redis ({@code reviewenv.redis-url}), shared by the job queue and the name claims. */
public final class Redis implements Closeable {
    private final RedisClient client;

    private Redis(RedisClient client) {
        this.client = client;
    }

    public static Redis connect(String url) {
        return new Redis(RedisClient.create(URI.create(url)));
    }

    RedisClient client() {
        return client;
    }

    /** Fails with the next step when Redis does not answer. */
    public void ping() {
        try {
            client.ping();
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
