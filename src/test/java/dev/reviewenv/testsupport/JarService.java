package dev.reviewenv.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service as an operator runs it ({@code java <deploy/java-opts> -jar quarkus-run.jar},
 * the flags the systemd unit and deploy/start.sh give it), its real PID kept, against a Redis, a
 * git root and a home of its own: started, stopped with SIGTERM, or killed with SIGKILL by a test.
 */
public final class JarService implements AutoCloseable {
    public static final Path JAR = Path.of(System.getProperty("reviewenv.jar", "target/quarkus-app/quarkus-run.jar"));

    public final RedisServer redis;
    public final Path root;
    public final Path home;
    public final Path gitRoot;
    public final String network;
    public final Map<String, String> env = new HashMap<>();
    private Process process;
    /** The build caches there were before: the ones this service's builds make are removed by {@link #close()}. */
    private final java.util.Set<String> cachesBefore;

    public JarService(boolean aof) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is built by `mvn package`");
        }
        cachesBefore = Stacks.buildCaches();
        redis = RedisServer.start(aof);
        root = Files.createTempDirectory("reviewenv-process");
        home = Files.createDirectories(root.resolve("home"));
        gitRoot = Files.createDirectories(root.resolve("git"));
        network = "reviewenv-it-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        int port = RedisServer.freePort();
        env.put("REVIEWENV_HOME", home.toString());
        env.put("REVIEWENV_GIT_ROOT", gitRoot.toString());
        env.put("REVIEWENV_REDIS_URL", redis.url());
        env.put("REVIEWENV_NETWORK", network);
        env.put("REVIEWENV_API_TOKEN", HostServices.TOKEN);
        env.put("REVIEWENV_SPOOL_DIR", Files.createDirectories(root.resolve("spool")).toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // The test images come from no registry: builds may start from them as the operator allows.
        env.put("REVIEWENV_BUILD_LOCAL_IMAGES", "reviewenv/busybox:local");
        RestAssured.port = port;
    }

    public String url() {
        return "http://127.0.0.1:" + RestAssured.port;
    }

    public Path log() {
        return root.resolve("service.log");
    }

    public long pid() {
        return process.pid();
    }

    public void start() throws IOException {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("java"));
        for (String line : Files.readAllLines(Path.of("deploy/java-opts"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                argv.addAll(java.util.List.of(line.trim().split("\\s+")));
            }
        }
        argv.addAll(java.util.List.of("-jar", JAR.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (given().get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            if (!process.isAlive()) {
                break;
            }
            Api.sleep(200);
        }
        throw new AssertionError("the service did not start:\n" + Files.readString(log()));
    }

    /** SIGTERM, as systemd stops a service; waits for it to exit and returns whether it did within {@code seconds}. */
    public boolean stop(int seconds) {
        if (process == null || !process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: no shutdown at all, as when the host loses power or the OOM killer strikes. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        if (!stop(30)) {
            process.destroyForcibly();
        }
        Cmd.run(null, Map.of(), "docker", "network", "rm", network);
        Stacks.removeBuildCachesSince(cachesBefore);
        redis.close();
        Cmd.run(null, Map.of(), "rm", "-rf", root.toString());
        RestAssured.reset();
    }
}
