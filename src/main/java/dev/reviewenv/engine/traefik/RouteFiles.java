package dev.reviewenv.engine.traefik;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.reviewenv.engine.fs.AtomicFiles;
import dev.reviewenv.engine.schema.JsonSchemas;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Traefik's file provider: one dynamic configuration file per environment,
 * {@code <dynamic-dir>/<name>.yml}, with a router and a service both named after the environment.
 * Files are validated against the Traefik v3 schema and written through a temp directory beside
 * (never inside) the watched one, so Traefik never reads half a file or a bad one.
 */
public class RouteFiles {
    private static final Pattern HOST = Pattern.compile("[a-z0-9.-]{1,253}");
    private static final Pattern SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    private final Path dir;
    private final Path tmpDir;
    private final List<String> entryPoints;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    public RouteFiles(Path dir, List<String> entryPoints) {
        this.dir = dir;
        this.tmpDir = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        this.entryPoints = List.copyOf(entryPoints);
    }

    public Path file(EnvironmentName name) {
        return dir.resolve(name.value() + ".yml");
    }

    /**
     * The document routing {@code host} to {@code http://<name>-<service>:<port>} (see
     * {@link EnvironmentNames#upstreamHost} for names too long for that), behind a
     * basic-auth middleware {@code <name>-auth} when {@code users} are given.
     */
    public ObjectNode document(EnvironmentName name, String host, String service, int port, List<String> users) {
        if (!HOST.matcher(host).matches() || !SERVICE.matcher(service).matches() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("refusing a route for host '" + host + "', service '" + service
                    + "', port " + port + ": not a plain host name, service name and port");
        }
        ObjectNode doc = yaml.createObjectNode();
        ObjectNode http = doc.putObject("http");
        ObjectNode router = http.putObject("routers").putObject(name.value());
        router.put("rule", "Host(`" + host + "`)");
        router.put("service", name.value());
        if (!entryPoints.isEmpty()) {
            entryPoints.forEach(router.putArray("entryPoints")::add);
        }
        http.putObject("services").putObject(name.value()).putObject("loadBalancer").putArray("servers")
                .addObject().put("url", "http://" + EnvironmentNames.upstreamHost(name, service) + ":" + port);
        if (!users.isEmpty()) {
            router.putArray("middlewares").add(name + "-auth");
            var auth = http.putObject("middlewares").putObject(name + "-auth").putObject("basicAuth");
            users.forEach(auth.putArray("users")::add);
        }
        return doc;
    }

    /** Writes the route of an environment, replacing its old one atomically. */
    public void write(EnvironmentName name, String host, String service, int port, List<String> users) {
        ObjectNode doc = document(name, host, service, port, users);
        List<String> violations = JsonSchemas.TRAEFIK_DYNAMIC.violations(doc);
        if (!violations.isEmpty()) {
            throw new IllegalStateException("the route file of " + name + " would not be valid Traefik configuration: "
                    + String.join("; ", violations));
        }
        String text = render(doc);
        if (text.contains("{{")) {
            throw new IllegalStateException("the route file of " + name + " would contain '{{', which Traefik runs as a template");
        }
        AtomicFiles.write(file(name), text.getBytes(StandardCharsets.UTF_8), tmpDir);
    }

    public boolean exists(EnvironmentName name) {
        return Files.exists(file(name));
    }

    /** Removes the route; a missing one counts as removed. */
    public void remove(EnvironmentName name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the route " + file(name), e);
        }
    }

    String render(JsonNode doc) {
        try {
            return yaml.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a route", e);
        }
    }
}
