package dev.reviewenv.engine.redis;

import java.io.Closeable;
import java.net.URI;
import java.util.function.Consumer;
import java.util.function.Function;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The one connection pool to Redis ({@code reviewenv.redis-url}), shared by the job queue and the name claims. */
public final class Redis implements Closeable {
    private final RedisClient client;

    private Redis(RedisClient client) {
        this.client = client;
    }

    /**
     * A pool whose connections are checked when taken, so that the first call after Redis
     * restarted does not fail on a connection that died with the old server.
     */
    public static Redis connect(String url) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setTestOnBorrow(true);
        pool.setMaxTotal(48);
        pool.setMaxIdle(16);
        return new Redis(RedisClient.builder().fromURI(URI.create(url)).poolConfig(pool).build());
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
