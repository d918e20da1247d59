package dev.reviewenv.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real image registry (the CNCF distribution registry, {@code go install}ed by deploy/test.sh)
 * on a free loopback port, so that a deploy really pulls. The daemon trusts 127.0.0.0/8 without
 * TLS. A missing binary fails the test.
 */
public final class Registry implements AutoCloseable {
    /** Where deploy/test.sh installs it (and says so in REVIEWENV_REGISTRY_BIN). */
    static final String BIN = System.getenv().getOrDefault("REVIEWENV_REGISTRY_BIN",
            "/opt/reviewenv/tools/go-bin/registry");

    private final Process process;
    private final Path dir;
    private final String address;

    private Registry(Process process, Path dir, String address) {
        this.process = process;
        this.dir = dir;
        this.address = address;
    }

    public static Registry start() {
        return start("127.0.0.1");
    }

    /** A registry listening on {@code host} (an address of this machine), e.g. a bridge that other daemons reach. */
    public static Registry start(String host) {
        int port = RedisServer.freePort();
        try {
            Path dir = Files.createTempDirectory("reviewenv-registry");
            String address = host + ":" + port;
            Files.writeString(dir.resolve("config.yml"), """
                    version: 0.1
                    log: {level: warn}
                    storage:
                      filesystem: {rootdirectory: %s}
                      delete: {enabled: true}
                    http:
                      addr: %s
                    """.formatted(dir.resolve("data"), address));
            if (!Files.isExecutable(Path.of(BIN))) {
                throw new IllegalStateException("no registry at " + BIN + "; deploy/test.sh installs it with go install");
            }
            Process p = new ProcessBuilder(BIN, "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (Instant.now().isBefore(deadline)) {
                try {
                    var r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return new Registry(p, dir, address);
                    }
                } catch (IOException notYet) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("the registry exited: " + Files.readString(dir.resolve("registry.log")));
                    }
                }
                Thread.sleep(100);
            }
            p.destroyForcibly();
            throw new IllegalStateException("the registry did not answer on " + address + " within 20 s");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the registry: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Pushes the local image {@code local} as {@code <registry>/<name>} and removes the local tag; returns the reference. */
    public String push(String local, String name) {
        String ref = address + "/" + name;
        Cmd.ok("docker", "tag", local, ref);
        Cmd.ok("docker", "push", "-q", ref);
        Cmd.ok("docker", "rmi", ref);
        return ref;
    }

    /** Where it listens, as image references name it ({@code 127.0.0.1:port}). */
    public String address() {
        return address;
    }

    /** The tags the registry holds for {@code repository}; empty when it holds none. */
    public List<String> tags(String repository) {
        try {
            HttpClient http = HttpClient.newHttpClient();
            var r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/v2/" + repository + "/tags/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return List.of();
            }
            var tags = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("tags");
            List<String> out = new java.util.ArrayList<>();
            if (tags != null) {
                tags.forEach(t -> out.add(t.asText()));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Cmd.end(process);
        Cmd.run(null, Map.of(), "rm", "-rf", dir.toString());
    }
}
