package dev.reviewenv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.traefik.SharedSchemas;
import dev.reviewenv.naming.EnvironmentName;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeRendererTest {
    static final Path CHECKOUT = Path.of("/ws/feature-x/abc");

    static ComposeRenderer.Rendered render(String yaml) {
        var doc = ComposeDocument.parse("docker-compose.yml", yaml);
        return ComposeRenderer.render("docker-compose.yml", doc, doc, EnvironmentName.of("feature-x"), "c0ffee", CHECKOUT, false);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> doc, String... path) {
        Object o = doc;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return (Map<String, Object>) o;
    }

    @Test
    void theRoutedServiceAloneJoinsTheEnvironmentsOwnRoutingNetworkAsServiceDotName() {
        var r = render("""
                services:
                  db:
                    image: postgres
                  web:
                    build: ./app
                    expose: ["8080"]
                """);
        assertEquals("web", r.service());
        assertEquals(8080, r.port());
        Map<String, Object> nets = at(r.document(), "services", "web", "networks");
        assertTrue(nets.containsKey("default"));
        assertEquals(List.of("web.feature-x"), at(nets, "reviewenv").get("aliases"));
        Map<String, Object> routing = at(r.document(), "networks", "reviewenv");
        assertEquals(true, routing.get("internal"), "no way out through the routing network");
        assertEquals(null, routing.get("external"), "the environment's own network, not one all environments share");
        assertEquals(Map.of("dev.reviewenv.environment", "feature-x"), routing.get("labels"));
        assertEquals(null, at(r.document(), "services", "db").get("networks"), "only the routed service joins");
        assertEquals(new dev.reviewenv.engine.record.EnvironmentRecord.Route("web", 8080, "web.feature-x", "feature-x_reviewenv"),
                r.route(EnvironmentName.of("feature-x")));
    }

    @Test
    void everyBridgeIsNamedForTheHostsFirewallAndNetRawIsDroppedUnlessTrusted() {
        var r = render("""
                services:
                  web: {image: x, expose: [80], networks: [back, default]}
                  side: {image: x, cap_drop: [MKNOD]}
                networks:
                  back: {}
                """);
        for (String net : List.of("default", "back", "reviewenv")) {
            String bridge = String.valueOf(at(r.document(), "networks", net, "driver_opts").get("com.docker.network.bridge.name"));
            assertEquals(dev.reviewenv.engine.docker.Bridges.nameFor("feature-x_" + net), bridge);
            assertTrue(bridge.matches("rvenv[0-9a-f]{10}"), bridge);
        }
        assertEquals(List.of("NET_RAW"), at(r.document(), "services", "web").get("cap_drop"));
        assertEquals(List.of("MKNOD", "NET_RAW"), at(r.document(), "services", "side").get("cap_drop"));
        var doc = ComposeDocument.parse("f", "services: {web: {image: x, expose: [80]}}");
        var trusted = ComposeRenderer.render("f", doc, doc, EnvironmentName.of("feature-x"), "c0ffee", CHECKOUT, true);
        assertEquals(null, at(trusted.document(), "services", "web").get("cap_drop"));
    }

    @Test
    void aRoutedServiceWhoseNameHasADotIsRefusedItWouldSpellAnotherEnvironmentsUpstream() {
        var e = assertThrows(ComposeFileException.class, () -> render("services: {\"web.other\": {image: x, expose: [80]}}"));
        assertTrue(e.getMessage().contains("services.web.other: the routed service is reached as <service>.<name>"), e.getMessage());
        var key = assertThrows(ComposeFileException.class,
                () -> render("services: {web: {image: x, expose: [80]}}\nnetworks: {reviewenv-x: {}}"));
        assertTrue(key.getMessage().contains("networks.reviewenv-x"), key.getMessage());
    }

    @Test
    void everyServiceGetsTheEnvironmentLabelWhateverFormItsLabelsHave() {
        var r = render("""
                services:
                  a: {image: x, labels: ["keep=1"], expose: [80]}
                  b: {image: x, labels: {keep: "2"}}
                  c: {image: x}
                """);
        assertEquals(Map.of("keep", "1", "dev.reviewenv.environment", "feature-x"), at(r.document(), "services", "a", "labels"));
        assertEquals(Map.of("keep", "2", "dev.reviewenv.environment", "feature-x"), at(r.document(), "services", "b", "labels"));
        assertEquals(Map.of("dev.reviewenv.environment", "feature-x"), at(r.document(), "services", "c", "labels"));
    }

    @Test
    void buildContextsBecomeAbsolutePathsIntoTheCheckout() {
        var r = render("""
                services:
                  a: {build: ./app, expose: [80]}
                  b: {build: {context: sub, dockerfile: Dockerfile.dev}}
                  c: {build: {dockerfile: Dockerfile}}
                """);
        assertEquals("/ws/feature-x/abc/app", at(r.document(), "services", "a", "build").get("context"));
        assertEquals("/ws/feature-x/abc/sub", at(r.document(), "services", "b", "build").get("context"));
        assertEquals("Dockerfile.dev", at(r.document(), "services", "b", "build").get("dockerfile"));
        assertEquals("/ws/feature-x/abc", at(r.document(), "services", "c", "build").get("context"));
    }

    @Test
    void aBuildIsNamedAfterTheEnvironmentAndServiceAndLabelledWhateverTagItAskedFor() {
        var r = render("""
                services:
                  web: {build: ./app, image: "postgres:16", expose: [80]}
                networks:
                  back: {}
                volumes:
                  data: {name: feature-x_data}
                """);
        assertEquals("feature-x/web:c0ffee", at(r.document(), "services", "web").get("image"));
        assertEquals(Map.of("dev.reviewenv.environment", "feature-x"), at(r.document(), "services", "web", "build", "labels"));
        assertTrue(r.notes().get(0).contains("not 'postgres:16'"), r.notes().toString());
        assertEquals(Map.of("dev.reviewenv.environment", "feature-x"), at(r.document(), "networks", "back", "labels"));
        assertEquals(Map.of("dev.reviewenv.environment", "feature-x"), at(r.document(), "networks", "default", "labels"));
        assertEquals(Map.of("labels", Map.of("dev.reviewenv.environment", "feature-x")), at(r.document(), "volumes", "data"),
                "Compose's own default name is dropped");
    }

    @Test
    void aServiceThatRunsTheImageAnotherBuildWasNamedRunsThatBuild() {
        var r = render("""
                services:
                  web: {build: ., image: shop-app, expose: [80]}
                  worker: {image: shop-app}
                  db: {image: postgres}
                """);
        assertEquals("feature-x/web:c0ffee", at(r.document(), "services", "worker").get("image"));
        assertEquals("postgres", at(r.document(), "services", "db").get("image"));
        assertEquals(null, at(r.document(), "services", "web", "build").get("x-reviewenv-image"));
    }

    @Test
    void theRoutedServiceIsTheFirstInTheOrderTheBranchWroteNotTheResolvedOrder() {
        var written = ComposeDocument.parse("f", "services: {zeta: {image: x, expose: [80]}, alpha: {image: y, expose: [81]}}");
        var resolved = ComposeDocument.parse("f", "services: {alpha: {image: y, expose: [81]}, zeta: {image: x, expose: [80]}}");
        var r = ComposeRenderer.render("f", resolved, written, EnvironmentName.of("feature-x"), "c0ffee", CHECKOUT, false);
        assertEquals("zeta", r.service());
    }

    @Test
    void theExtensionChoosesServicePortAndLifetime() {
        var r = render("""
                x-reviewenv: {service: api, port: 3000, lifetime: 3d}
                services:
                  web: {image: x, expose: [80]}
                  api: {image: y}
                """);
        assertEquals("api", r.service());
        assertEquals(3000, r.port());
        assertEquals("3d", r.lifetime().orElseThrow().toString());
    }

    @Test
    void portsOfEveryShapeGiveTheContainerPort() {
        assertEquals(8080, render("services: {w: {image: x, ports: [\"127.0.0.1:80:8080/tcp\"]}}").port());
        assertEquals(9000, render("services: {w: {image: x, ports: [{target: 9000, published: 80}]}}").port());
        assertEquals(5000, render("services: {w: {image: x, expose: [\"5000-5010\"]}}").port());
    }

    @Test
    void theProjectNameIsAlwaysTheEnvironmentsAndTheOriginalIsUntouched() {
        var original = ComposeDocument.parse("f", "name: other\nservices: {w: {image: x, expose: [80]}}\n");
        var r = ComposeRenderer.render("f", original, original, EnvironmentName.of("feature-x"), "c0ffee", CHECKOUT, false);
        assertEquals(null, r.document().get("name"));
        assertEquals("other", original.get("name"));
        assertEquals(null, at(original, "services", "w").get("labels"));
    }

    @Test
    void withoutARoutableServiceTheErrorSaysWhatToAdd() {
        var e = assertThrows(ComposeFileException.class, () -> render("services: {w: {image: x}}"));
        assertTrue(e.getMessage().startsWith("docker-compose.yml:"), e.getMessage());
        assertTrue(e.getMessage().contains("x-reviewenv: {service: web, port: 8080}"), e.getMessage());
        var bad = assertThrows(ComposeFileException.class,
                () -> render("x-reviewenv: {service: nope, lifetime: soon}\nservices: {w: {image: x}}"));
        assertEquals(2, bad.problems().size(), "every problem at once: " + bad.problems());
    }

    @Test
    void theRenderedFileIsValidAgainstTheComposeSpecification() {
        var r = render("""
                services:
                  web:
                    build: ./web
                    networks: [back]
                    expose: ["8080"]
                    volumes: ["data:/data"]
                networks:
                  back: {}
                volumes:
                  data: {}
                """);
        assertEquals(List.of(), SharedSchemas.composeViolations(new ObjectMapper().valueToTree(r.document())));
        String yaml = ComposeDocument.toYaml(r.document());
        assertEquals(r.document(), ComposeDocument.parse("again", yaml), "the written file reads back the same");
    }

    @Test
    void aFileThatLeansOnAnchorsIsReadWhateverHowManyAliasesItUses() {
        StringBuilder yaml = new StringBuilder("x-common: &common\n  image: reviewenv/busybox:local\n  init: true\n"
                + "  labels: {team: shop}\n  environment: {A: \"1\", B: \"2\"}\nservices:\n");
        for (int i = 0; i < 120; i++) {
            yaml.append("  s").append(i).append(":\n    <<: *common\n    labels: *common\n");
        }
        var doc = ComposeDocument.parse("big.yml", yaml.toString());
        assertEquals(120, ((Map<?, ?>) doc.get("services")).size(), "120 services, 240 aliases: a big project's own file");
    }

    @Test
    void badYamlAndSchemaViolationsNameTheFileAndThePlace() {
        var yaml = assertThrows(ComposeFileException.class, () -> ComposeDocument.parse("docker-compose.yml", "services:\n  web: [x\n"));
        assertTrue(yaml.getMessage().contains("docker-compose.yml") && yaml.getMessage().contains("line"), yaml.getMessage());
        var dup = assertThrows(ComposeFileException.class, () -> ComposeDocument.parse("f", "a: 1\na: 2\n"));
        assertTrue(dup.getMessage().contains("duplicate"), dup.getMessage());
        var bomb = assertThrows(ComposeFileException.class, () -> ComposeDocument.parse("f",
                "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                        + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"));
        assertTrue(bomb.getMessage().contains("f:") && bomb.getMessage().contains("expands to more than"), bomb.getMessage());
        var schema = assertThrows(ComposeFileException.class,
                () -> ComposeDocument.requireValid("f", ComposeDocument.parse("f", "services: {web: {image: 42, bogus: 1}}")));
        assertTrue(schema.problems().size() >= 2, schema.problems().toString());
        assertTrue(schema.getMessage().contains("services.web"), schema.getMessage());
    }
}
