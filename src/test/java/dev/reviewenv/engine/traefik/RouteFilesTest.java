package dev.reviewenv.engine.traefik;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.reviewenv.naming.EnvironmentName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFilesTest {
    @TempDir
    Path tmp;

    @Test
    void theRouteFileHasARouterAndServiceNamedAfterTheEnvironment() throws Exception {
        Path dir = tmp.resolve("dynamic");
        RouteFiles routes = new RouteFiles(dir, List.of("web"));
        routes.write(EnvironmentName.of("feature-x"), "feature-x.localhost", "web.feature-x", 8080, List.of());
        var doc = new YAMLMapper().readTree(dir.resolve("feature-x.yml").toFile());
        assertEquals("Host(`feature-x.localhost`)", doc.at("/http/routers/feature-x/rule").asText());
        assertEquals("feature-x", doc.at("/http/routers/feature-x/service").asText());
        assertEquals("web", doc.at("/http/routers/feature-x/entryPoints/0").asText());
        assertEquals("http://web.feature-x:8080", doc.at("/http/services/feature-x/loadBalancer/servers/0/url").asText());
        assertEquals(List.of(), SharedSchemas.traefikViolations(doc));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("feature-x.yml")), files.toList(), "no temp file is ever in the watched directory");
        }
    }

    @Test
    void basicAuthUsersBecomeAMiddlewareOfTheRouter() throws Exception {
        Path dir = tmp.resolve("dynamic");
        RouteFiles routes = new RouteFiles(dir, List.of());
        String user = "review:$apr1$abcdefgh$0123456789abcdefghijkl";
        routes.write(EnvironmentName.of("feature-x"), "feature-x.localhost", "web", 8080, List.of(user));
        var doc = new YAMLMapper().readTree(dir.resolve("feature-x.yml").toFile());
        assertEquals("feature-x-auth", doc.at("/http/routers/feature-x/middlewares/0").asText());
        assertEquals(user, doc.at("/http/middlewares/feature-x-auth/basicAuth/users/0").asText());
        assertEquals(List.of(), SharedSchemas.traefikViolations(doc));
    }

    @Test
    void aSleepingEnvironmentsRouteGoesToTheWakeEndpointBehindTheSameAuth() throws Exception {
        Path dir = tmp.resolve("dynamic");
        RouteFiles routes = new RouteFiles(dir, List.of());
        String user = "review:$apr1$abcdefgh$0123456789abcdefghijkl";
        routes.writeWake(EnvironmentName.of("feature-x"), "feature-x.localhost", java.net.URI.create("http://172.18.0.1:8080"),
                List.of(user));
        var doc = new YAMLMapper().readTree(dir.resolve("feature-x.yml").toFile());
        assertEquals("Host(`feature-x.localhost`)", doc.at("/http/routers/feature-x/rule").asText());
        assertEquals("feature-x-auth", doc.at("/http/routers/feature-x/middlewares/0").asText());
        assertEquals("feature-x-wake", doc.at("/http/routers/feature-x/middlewares/1").asText());
        assertEquals("/wake/feature-x", doc.at("/http/middlewares/feature-x-wake/replacePath/path").asText());
        assertEquals("http://172.18.0.1:8080", doc.at("/http/services/feature-x/loadBalancer/servers/0/url").asText());
        assertEquals(List.of(), SharedSchemas.traefikViolations(doc));
        for (String bad : List.of("http://h:1/path", "ftp://h:1", "http://h:1/?q", "http:///x")) {
            assertThrows(IllegalArgumentException.class, () -> routes.writeWake(EnvironmentName.of("feature-x"),
                    "feature-x.localhost", java.net.URI.create(bad), List.of()), bad);
        }
    }

    @Test
    void withTlsRoutersTerminateItWithTheDefaultCertificateOrAskTheResolverForTheWildcard() throws Exception {
        Path dir = tmp.resolve("dynamic");
        new RouteFiles(dir, List.of("websecure"), new RouteFiles.Tls(true, null))
                .write(EnvironmentName.of("a"), "a.review.example.com", "web.a", 80, List.of());
        var doc = new YAMLMapper().readTree(dir.resolve("a.yml").toFile());
        assertTrue(doc.at("/http/routers/a/tls").isObject(), doc.toString());
        assertEquals(0, doc.at("/http/routers/a/tls").size(), "the default (wildcard) certificate: " + doc);
        assertEquals(List.of(), SharedSchemas.traefikViolations(doc));

        new RouteFiles(dir, List.of("websecure"), new RouteFiles.Tls(true, "letsencrypt"))
                .write(EnvironmentName.of("a"), "a.review.example.com", "web.a", 80, List.of());
        doc = new YAMLMapper().readTree(dir.resolve("a.yml").toFile());
        assertEquals("letsencrypt", doc.at("/http/routers/a/tls/certResolver").asText());
        assertEquals("review.example.com", doc.at("/http/routers/a/tls/domains/0/main").asText());
        assertEquals("*.review.example.com", doc.at("/http/routers/a/tls/domains/0/sans/0").asText());
        assertEquals(List.of(), SharedSchemas.traefikViolations(doc));
    }

    @Test
    void rewritingAndRemovingAreAtomicAndIdempotent() {
        RouteFiles routes = new RouteFiles(tmp.resolve("d"), List.of());
        routes.write(EnvironmentName.of("a"), "a.localhost", "web.a", 80, List.of());
        routes.write(EnvironmentName.of("a"), "a.localhost", "web.a", 81, List.of());
        assertTrue(routes.exists(EnvironmentName.of("a")));
        assertTrue(routes.remove(EnvironmentName.of("a"), false));
        assertTrue(routes.remove(EnvironmentName.of("a"), false));
        assertFalse(routes.exists(EnvironmentName.of("a")));
    }

    @Test
    void aRouteFileReviewenvDidNotWriteIsNeverRemovedAndToldApart() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("o"));
        RouteFiles routes = new RouteFiles(dir, List.of());
        EnvironmentName name = EnvironmentName.of("ops");
        assertEquals(RouteFiles.Owner.NONE, routes.owner(name));
        Files.writeString(dir.resolve("ops.yml"), "http:\n  routers: {}\n");
        assertEquals(RouteFiles.Owner.UNMARKED, routes.owner(name));
        assertFalse(routes.remove(name, false), "the operator's file stays");
        assertTrue(Files.exists(dir.resolve("ops.yml")));
        // Routes reviewenv wrote say so on their first line; a file of an older deploy has a record instead.
        routes.write(EnvironmentName.of("mine"), "mine.localhost", "web.mine", 80, List.of());
        assertEquals(RouteFiles.Owner.OURS, routes.owner(EnvironmentName.of("mine")));
        assertTrue(routes.remove(name, true), "an unmarked file of a recorded environment is reviewenv's older one");
    }

    @Test
    void namesAndHostsThatCouldInjectAreRefused() {
        RouteFiles routes = new RouteFiles(tmp.resolve("d"), List.of());
        assertThrows(IllegalArgumentException.class, () -> routes.write(EnvironmentName.of("../etc"), "x.localhost", "web", 80, List.of()));
        assertThrows(IllegalArgumentException.class, () -> routes.write(EnvironmentName.of("a"), "{{ .Env.X }}", "web", 80, List.of()));
        assertThrows(IllegalArgumentException.class, () -> routes.write(EnvironmentName.of("a"), "a.localhost", "web`)||Host(`x", 80, List.of()));
        assertThrows(IllegalArgumentException.class, () -> routes.write(EnvironmentName.of("a"), "a.localhost", "web", 70000, List.of()));
    }

    @Test
    void theStaticConfigurationIsValidTraefikV3() throws Exception {
        var doc = new YAMLMapper().readTree(Path.of("traefik/traefik.yml").toFile());
        assertEquals(List.of(), SharedSchemas.traefikStaticViolations(doc));
        assertEquals("/etc/traefik/dynamic", doc.at("/providers/file/directory").asText());
    }

    @Test
    void theBundledSchemasAreTheSharedOnesUnchanged() throws Exception {
        for (String f : List.of("compose-spec.json", "traefik-v3-file-provider.json")) {
            assertEquals(Files.readString(SharedSchemas.DIR.resolve(f)),
                    Files.readString(Path.of("src/main/resources/schemas").resolve(f)), f);
        }
    }
}
