package dev.reviewenv.engine.traefik;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.reviewenv.engine.fs.AtomicFiles;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.schema.JsonSchemas;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
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
    /** A host name a route may reach a service by: DNS labels (Compose's service names may hold {@code _}). */
    private static final Pattern UPSTREAM = Pattern.compile("[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62})(\\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62}))*");
    /** The first line of every file reviewenv writes: how it tells its own route files from anyone else's. */
    static final String MARKER = "# reviewenv: the route of environment ";

    private final Path dir;
    private final Path tmpDir;
    private final List<String> entryPoints;
    private final Tls tls;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /**
     * How routers terminate TLS: not at all ({@link #NONE}); with the certificate Traefik has for
     * the host (a wildcard certificate from files, its default); or with a certificate resolver
     * (ACME), asking it for the wildcard of the host's parent domain.
     */
    public record Tls(boolean on, String certResolver) {
        public static final Tls NONE = new Tls(false, null);
    }

    public RouteFiles(Path dir, List<String> entryPoints) {
        this(dir, entryPoints, Tls.NONE);
    }

    public RouteFiles(Path dir, List<String> entryPoints, Tls tls) {
        this.dir = dir;
        this.tmpDir = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        this.entryPoints = List.copyOf(entryPoints);
        this.tls = tls;
    }

    public Path file(EnvironmentName name) {
        return dir.resolve(name.value() + ".yml");
    }

    /**
     * The document routing {@code host} to {@code http://<upstream>:<port>} (the routed service's
     * alias, see {@link EnvironmentNames#upstreamHost}), behind a basic-auth middleware
     * {@code <name>-auth} when {@code users} are given.
     */
    public ObjectNode document(EnvironmentName name, String host, String upstream, int port, List<String> users) {
        if (upstream.length() > 253 || !UPSTREAM.matcher(upstream).matches() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("refusing a route for host '" + host + "' to '" + upstream
                    + "', port " + port + ": not a plain host name and port");
        }
        return document(name, host, "http://" + upstream + ":" + port, users, false);
    }

    /**
     * The document of a sleeping environment: {@code host} goes to reviewenv's wake endpoint
     * {@code <wakeUrl>/wake/<name>} (whatever path was asked; the page it serves reloads the one
     * the browser asked for), behind the same basic auth as the environment itself.
     */
    public ObjectNode wakeDocument(EnvironmentName name, String host, URI wakeUrl, List<String> users) {
        if (!("http".equals(wakeUrl.getScheme()) || "https".equals(wakeUrl.getScheme())) || wakeUrl.getHost() == null
                || wakeUrl.getRawQuery() != null || wakeUrl.getRawFragment() != null
                || !(wakeUrl.getRawPath() == null || wakeUrl.getRawPath().isEmpty() || wakeUrl.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("the wake URL '" + wakeUrl + "' must be http(s)://host:port with no path;"
                    + " set reviewenv.traefik.wake-url to how Traefik reaches reviewenv");
        }
        String base = wakeUrl.getScheme() + "://" + wakeUrl.getRawAuthority();
        return document(name, host, base, users, true);
    }

    private ObjectNode document(EnvironmentName name, String host, String upstream, List<String> users, boolean wake) {
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("refusing a route for host '" + host + "': not a plain host name");
        }
        ObjectNode doc = yaml.createObjectNode();
        ObjectNode http = doc.putObject("http");
        ObjectNode router = http.putObject("routers").putObject(name.value());
        router.put("rule", "Host(`" + host + "`)");
        router.put("service", name.value());
        if (!entryPoints.isEmpty()) {
            entryPoints.forEach(router.putArray("entryPoints")::add);
        }
        if (tls.on()) {
            ObjectNode t = router.putObject("tls");
            if (tls.certResolver() != null) {
                t.put("certResolver", tls.certResolver());
                String parent = host.substring(host.indexOf('.') + 1);
                ObjectNode wildcard = t.putArray("domains").addObject();
                wildcard.put("main", parent);
                wildcard.putArray("sans").add("*." + parent);
            }
        }
        http.putObject("services").putObject(name.value()).putObject("loadBalancer").putArray("servers")
                .addObject().put("url", upstream);
        if (!users.isEmpty() || wake) {
            var middlewares = router.putArray("middlewares");
            ObjectNode defined = http.putObject("middlewares");
            if (!users.isEmpty()) {
                middlewares.add(name + "-auth");
                var auth = defined.putObject(name + "-auth").putObject("basicAuth");
                users.forEach(auth.putArray("users")::add);
            }
            if (wake) {
                middlewares.add(name + "-wake");
                defined.putObject(name + "-wake").putObject("replacePath").put("path", "/wake/" + name.value());
            }
        }
        return doc;
    }

    /** Writes the route of an environment to {@code upstream:port}, replacing its old one atomically. */
    public void write(EnvironmentName name, String host, String upstream, int port, List<String> users) {
        write(name, document(name, host, upstream, port, users));
    }

    /** Writes the route of an environment as its record has it. */
    public void write(EnvironmentName name, String host, EnvironmentRecord.Route route, List<String> users) {
        write(name, host, route.upstream(), route.port(), users);
    }

    /** Writes the route of a sleeping environment, to the wake endpoint (see {@link #wakeDocument}). */
    public void writeWake(EnvironmentName name, String host, URI wakeUrl, List<String> users) {
        write(name, wakeDocument(name, host, wakeUrl, users));
    }

    private void write(EnvironmentName name, ObjectNode doc) {
        List<String> violations = JsonSchemas.TRAEFIK_DYNAMIC.violations(doc);
        if (!violations.isEmpty()) {
            throw new IllegalStateException("the route file of " + name + " would not be valid Traefik configuration: "
                    + String.join("; ", violations));
        }
        String text = MARKER + name.value() + "\n" + render(doc);
        if (text.contains("{{")) {
            throw new IllegalStateException("the route file of " + name + " would contain '{{', which Traefik runs as a template");
        }
        AtomicFiles.write(file(name), text.getBytes(StandardCharsets.UTF_8), tmpDir);
    }

    public boolean exists(EnvironmentName name) {
        return Files.exists(file(name));
    }

    /** Who a route file of the environment's name is: none there, reviewenv's, or one without reviewenv's mark. */
    public enum Owner { NONE, OURS, UNMARKED }

    /**
     * Whether {@code <name>.yml} is there and was written by reviewenv (its first line says so). A
     * file without the mark is someone else's, or reviewenv's own from before it marked its files
     * (the caller tells them apart by the environment's record).
     */
    public Owner owner(EnvironmentName name) {
        Path file = file(name);
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Owner.NONE;
        }
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Owner.UNMARKED;
        }
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            return (MARKER + name.value()).equals(first) ? Owner.OURS : Owner.UNMARKED;
        } catch (IOException e) {
            return Owner.UNMARKED;
        }
    }

    /**
     * Removes the route if it is reviewenv's: marked, or unmarked but {@code recorded} (a file of an
     * environment deployed before files were marked). A missing one counts as removed. Returns false
     * when a file someone else wrote was left.
     */
    public boolean remove(EnvironmentName name, boolean recorded) {
        Owner owner = owner(name);
        if (owner == Owner.UNMARKED && !recorded) {
            return false;
        }
        try {
            Files.deleteIfExists(file(name));
            return true;
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
