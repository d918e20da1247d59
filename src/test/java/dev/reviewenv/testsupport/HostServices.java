package dev.reviewenv.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real parts a service test runs against, made for the test and removed after it: a Redis
 * server, a Docker network, a Traefik container (the image deploy/host-deps.sh builds, with the
 * repository's own traefik/traefik.yml) watching the test's route directory, and temp
 * directories for home and git root. A missing Docker engine or image fails the test.
 *
 * Init args: {@code compose} = the Compose command words (e.g. "docker-compose"); absent = detect.
 * {@code reaper-every} = the reaper period (default 1h: tests call the reaper themselves).
 * {@code config} = more configuration, one {@code key=value} a line. {@code redis-aof=true} = a
 * persistent Redis, which a test may stop and restart ({@link #redis()}). {@code swarm=true} = the
 * swarm engine: this engine becomes a single-node swarm manager (and leaves the swarm after, if it
 * was in none), the shared network is an attachable overlay, and a registry with deletes enabled
 * runs for the built images ({@link #registry()}). The service log goes to a
 * file ({@code reviewenv-test.log}) so tests can read what it wrote.
 */
public class HostServices implements QuarkusTestResourceLifecycleManager {
    public static final String TOKEN = "test-token-0123456789abcdef";

    private RedisServer redis;
    private String network;
    private String traefik;
    private Path root;
    private String compose;
    private String reaperEvery;

    /** The Redis of the running test class, for tests that stop and restart it. */
    private static volatile RedisServer current;

    public static RedisServer redis() {
        return current;
    }

    private boolean aof;
    private boolean swarm;
    private boolean joinedSwarm;
    private Registry registry;
    private static volatile Registry currentRegistry;

    /** The registry of the running swarm test class. */
    public static Registry registry() {
        return currentRegistry;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        aof = Boolean.parseBoolean(initArgs.getOrDefault("redis-aof", "false"));
        swarm = Boolean.parseBoolean(initArgs.getOrDefault("swarm", "false"));
        compose = initArgs.get("compose");
        reaperEvery = initArgs.getOrDefault("reaper-every", "1h");
        extra = initArgs.getOrDefault("config", "");
        variablesFile = initArgs.get("variables-file");
        forge = initArgs.get("forge");
    }

    /**
     * {@code <repo>|<user>|<token>}: a forge for the test ({@link GitHttpServer}) serving a bare
     * repository {@code <repo>.git} to that user and token only, and the repository configured to be
     * fetched from it (clone-url, clone-user, clone-token); nothing of it is under the git root.
     */
    private String forge;
    private GitHttpServer forgeServer;
    private static volatile Path currentForge;

    /** The bare repository of the running test class's forge: push to it as to the forge. */
    public static Path forgeRepository() {
        return currentForge;
    }

    /** {@code <repo>|<content>}: a variables file of the operator's for that repository (mode 600), made for the test. */
    private String variablesFile;

    private String extra = "";

    @Override
    public Map<String, String> start() {
        Cmd.Out info = Cmd.run(null, Map.of(), "docker", "info", "--format", "{{.ServerVersion}}");
        if (info.code() != 0) {
            throw new IllegalStateException("the Docker engine is not running; run deploy/host-deps.sh first:\n" + info.text());
        }
        try {
            root = Files.createTempDirectory("reviewenv-it");
            Path home = Files.createDirectories(root.resolve("home"));
            Path gitRoot = Files.createDirectories(root.resolve("git"));
            Path routes = Files.createDirectories(home.resolve(".reviewenv-traefik/dynamic"));
            cachesBefore = Stacks.buildCaches();
            redis = RedisServer.start(aof);
            current = redis;
            String id = UUID.randomUUID().toString().substring(0, 8);
            network = "reviewenv-it-" + id;
            if (swarm) {
                String state = Cmd.ok("docker", "info", "--format", "{{.Swarm.LocalNodeState}}").strip();
                if (!state.equals("active")) {
                    Cmd.ok("docker", "swarm", "init", "--advertise-addr", "127.0.0.1");
                    joinedSwarm = true;
                }
                registry = Registry.start();
                currentRegistry = registry;
                Cmd.ok("docker", "network", "create", "--driver", "overlay", "--attachable", network);
            } else {
                Cmd.ok("docker", "network", "create", network);
            }
            Path staticConfig = Path.of("traefik/traefik.yml").toAbsolutePath();
            String traefikName = "reviewenv-it-traefik-" + id;
            traefik = Cmd.ok("docker", "run", "-d", "--name", traefikName, "--network", network,
                    "-p", "127.0.0.1::80", "-v", routes + ":/etc/traefik/dynamic:ro",
                    "-v", Files.createDirectories(home.resolve(".reviewenv-traefik/logs")) + ":/var/log/traefik",
                    "-v", staticConfig + ":/etc/traefik/traefik.yml:ro", "reviewenv/traefik:local").trim();
            String port = Cmd.ok("docker", "port", traefik, "80/tcp").lines().findFirst().orElseThrow().replaceAll(".*:", "");

            Map<String, String> config = new HashMap<>();
            config.put("reviewenv.home", home.toString());
            config.put("reviewenv.git-root", gitRoot.toString());
            config.put("reviewenv.redis-url", redis.url());
            config.put("reviewenv.network", network);
            config.put("reviewenv.traefik.container", traefikName);
            // The test images come from no registry: builds may start from them as the operator allows.
            config.put("reviewenv.build.local-images", "reviewenv/busybox:local");
            config.put("reviewenv.api-token", TOKEN);
            config.put("reviewenv.compose-templates", Path.of("compose-templates").toAbsolutePath().toString());
            config.put("reviewenv.compose.ready-timeout", "30s");
            config.put("quarkus.http.test-port", "0");
            config.put("reviewenv.reaper.every", reaperEvery);
            config.put("reviewenv.spool.dir", Files.createDirectories(root.resolve("spool")).toString());
            config.put("reviewenv.spool.every", "1s");
            config.put("reviewenv-test.traefik-port", port);
            config.put("quarkus.log.file.enabled", "true");
            config.put("quarkus.log.file.path", root.resolve("service.log").toString());
            config.put("reviewenv-test.log", root.resolve("service.log").toString());
            for (String line : extra.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    config.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            if (compose != null) {
                config.put("reviewenv.compose.command", compose.replace(' ', ','));
            }
            if (variablesFile != null) {
                int bar = variablesFile.indexOf('|');
                Path file = root.resolve("variables.env");
                Files.writeString(file, variablesFile.substring(bar + 1));
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                config.put("reviewenv.repositories.\"" + variablesFile.substring(0, bar) + "\".variables-file", file.toString());
            }
            if (forge != null) {
                String[] f = forge.split("\\|", 3);
                Path served = Files.createDirectories(root.resolve("forge"));
                currentForge = served.resolve(f[0] + ".git");
                Cmd.ok("git", "init", "-q", "--bare", currentForge.toString());
                forgeServer = GitHttpServer.start(served, f[1], f[2]);
                String key = "reviewenv.repositories.\"" + f[0] + "\"";
                config.put(key + ".clone-url", forgeServer.url(f[0]));
                config.put(key + ".clone-user", f[1]);
                config.put(key + ".clone-token", f[2]);
            }
            if (swarm) {
                config.put("reviewenv.engine", "swarm");
                config.put("reviewenv.swarm.registry", registry.address());
                config.put("reviewenv.swarm.registry-http", "true");
            }
            return config;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The build caches that were there before the test: the only ones it leaves. */
    private java.util.Set<String> cachesBefore = java.util.Set.of();

    @Override
    public void stop() {
        if (root != null) {
            // What a failed test left of its environments (they are on no network of the test's own).
            try (var names = Files.list(root.resolve("home/.reviewenv"))) {
                for (String name : names.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList()) {
                    Stacks.removeEverythingOf(name);
                }
            } catch (IOException | RuntimeException nothingLeft) {
                // no records
            }
        }
        Stacks.removeBuildCachesSince(cachesBefore);
        if (traefik != null) {
            Cmd.run(null, Map.of(), "docker", "rm", "-f", traefik);
        }
        if (forgeServer != null) {
            forgeServer.close();
        }
        if (swarm && network != null) {
            // What a failed test left as services of its stacks goes first (their tasks hold the network).
            for (String s : Cmd.lines(Cmd.run(null, Map.of(), "docker", "service", "ls", "-q", "--filter",
                    "label=dev.reviewenv.environment").text())) {
                Cmd.run(null, Map.of(), "docker", "service", "rm", s);
            }
        }
        if (network != null) {
            // What a failed test left on the network goes with it, so the network can go too.
            for (String c : Cmd.lines(Cmd.run(null, Map.of(), "docker", "ps", "-aq", "--filter", "network=" + network).text())) {
                Cmd.run(null, Map.of(), "docker", "rm", "-f", c);
            }
            Cmd.run(null, Map.of(), "docker", "network", "rm", network);
        }
        if (redis != null) {
            redis.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (swarm) {
            // The image of reviewenv's janitor jobs, tagged for this test's registry.
            for (String image : Cmd.lines(Cmd.run(null, Map.of(), "docker", "images", "-q", "--filter",
                    "label=dev.reviewenv.janitor").text())) {
                Cmd.run(null, Map.of(), "docker", "rmi", "-f", image);
            }
        }
        if (joinedSwarm) {
            Cmd.run(null, Map.of(), "docker", "swarm", "leave", "--force");
        }
        if (root != null) {
            Cmd.run(null, Map.of(), "rm", "-rf", root.toString());
        }
    }
}
