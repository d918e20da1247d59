package dev.reviewenv.testsupport;

import dev.reviewenv.engine.redis.Redis;
import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.RedisClient;

/**
 * A real redis-server for a test class ({@code @RegisterExtension static FreshRedis redis = new FreshRedis()}),
 * emptied before each test, with a connection of reviewenv's ({@link #redis()}) and a plain client
 * ({@link #raw()}) to look at what was left in it.
 */
public final class FreshRedis implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private RedisServer server;
    private Redis redis;
    private RedisClient raw;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RedisServer.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        raw = RedisClient.create(URI.create(server.url()));
        raw.flushAll();
        redis = Redis.connect(server.url());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        redis.close();
        raw.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    /** reviewenv's connection, new for each test. */
    public Redis redis() {
        return redis;
    }

    /** A plain client, to read and write keys directly. */
    public RedisClient raw() {
        return raw;
    }

    public String url() {
        return server.url();
    }
}
