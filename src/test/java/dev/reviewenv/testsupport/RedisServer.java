package dev.reviewenv.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real redis-server on a free loopback port, for one test run; with {@code aof}, persistent
 * as reviewenv's own (append-only file), so that a test can stop and restart it. Missing
 * redis-server fails the test.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final boolean aof;
    private Process process;

    private RedisServer(int port, Path dir, boolean aof) {
        this.port = port;
        this.dir = dir;
        this.aof = aof;
    }

    public static RedisServer start() {
        return start(false);
    }

    public static RedisServer start(boolean aof) {
        try {
            RedisServer r = new RedisServer(freePort(), Files.createTempDirectory("reviewenv-redis"), aof);
            r.up();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server (again) on its port, with its data. */
    public void up() {
        try {
            process = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                    "--save", "", "--appendonly", aof ? "yes" : "no", "--appendfsync", "always", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (Instant.now().isBefore(deadline)) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                    }
                    Thread.sleep(50);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("redis-server did not listen on " + port + " within 10 s");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (install it: deploy/host-deps.sh): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server and waits until it has exited. */
    public void down() {
        Cmd.end(process);
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        down();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory
        }
    }
}
