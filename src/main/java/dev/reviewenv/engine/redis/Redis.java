package dev.reviewenv.engine.redis;

import java.io.Closeable;
import java.net.URI;
import java.util.function.Consumer;
import java.util.function.Function;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

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

    /**
     * Runs {@code work} against Redis. Every way Redis can fail to serve is a {@link RedisUnavailable}
     * (what was asked was not done, and trying again shortly is the way): refused or lost
     * connections and timeouts, a pool with no connection to give, and a server that answers but
     * cannot serve yet (loading its AOF, busy with a script, a replica without its master).
     */
    <T> T call(Function<RedisClient, T> work) {
        try {
            return work.apply(client);
        } catch (JedisException e) {
            if (unavailable(e)) {
                throw new RedisUnavailable(e);
            }
            throw e;
        }
    }

    /** Whether {@code e} says Redis cannot serve now, rather than that the request was wrong. */
    static boolean unavailable(JedisException e) {
        if (e instanceof JedisConnectionException) {
            return true;
        }
        if (e instanceof JedisDataException) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            return m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("MASTERDOWN") || m.startsWith("TRYAGAIN")
                    || m.startsWith("CLUSTERDOWN") || m.startsWith("READONLY");
        }
        // The pool's own failure: no connection could be had (exhausted, or none could be made).
        return e.getClass() == JedisException.class;
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
