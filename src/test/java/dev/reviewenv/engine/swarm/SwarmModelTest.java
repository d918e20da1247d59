package dev.reviewenv.engine.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.naming.EnvironmentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwarmModelTest {
    static final EnvironmentName NAME = EnvironmentName.parse("feature-x").orElseThrow();
    static final Optional<String> REGISTRY = Optional.of("registry.example:5000/reviews");
    static final Duration STOP = Duration.ofSeconds(10);

    static Map<String, Object> model(String yaml) {
        return ComposeDocument.parse("compose.yml", yaml);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> doc, String... path) {
        Object v = doc;
        for (String p : path) {
            v = ((Map<String, Object>) v).get(p);
        }
        return (Map<String, Object>) v;
    }

    @Test
    void theLimitsMoveUnderDeployBuiltImagesGoToTheRegistryAndTasksAreReachedByAddress() {
        Map<String, Object> doc = model("""
                services:
                  web:
                    build: {context: /src/web}
                    image: feature-x-web
                    restart: "no"
                    mem_limit: 1073741824
                    cpus: 1.0
                    pids_limit: 512
                    scale: 2
                    entrypoint: null
                    stop_grace_period: 1h
                    mem_reservation: 536870912
                    deploy: {resources: {reservations: {cpus: "64"}}}
                """);
        List<String> notes = SwarmModel.adapt("compose.yml", doc, NAME, "abc123", REGISTRY, STOP);
        assertEquals("3.9", doc.get("version"), "the stack format with pids limits and init");
        Map<String, Object> web = at(doc, "services", "web");
        assertEquals("registry.example:5000/reviews/feature-x/web:abc123", web.get("image"));
        assertEquals(Map.of("memory", "1073741824", "cpus", "1.0", "pids", 512L), at(web, "deploy", "resources", "limits"));
        assertFalse(web.containsKey("mem_limit") || web.containsKey("cpus") || web.containsKey("pids_limit") || web.containsKey("restart"));
        assertFalse(web.containsKey("entrypoint"), "Compose's nulls are dropped: the stack format refuses them");
        Map<String, Object> deploy = at(web, "deploy");
        assertEquals("dnsrr", deploy.get("endpoint_mode"));
        assertEquals(2, deploy.get("replicas"));
        assertEquals(Map.of("condition", "none"), deploy.get("restart_policy"));
        assertEquals("feature-x", at(deploy, "labels").get("dev.reviewenv.environment"));
        assertEquals("10s", web.get("stop_grace_period"), "no container takes longer to stop than the stop timeout");
        assertTrue(notes.contains("services.web.scale: became deploy.replicas 2"), notes.toString());
        assertFalse(at(web, "deploy", "resources").containsKey("reservations"), "no environment holds a node's capacity");
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("services.web: reservations dropped")), notes.toString());
    }

    @Test
    void everyKeyASwarmWouldSkipIsRefusedByNameWithTheFix() {
        Map<String, Object> doc = model("""
                services:
                  web:
                    image: busybox
                    container_name: web
                    links: [db]
                    ports: ["8080:80"]
                    security_opt: ["no-new-privileges:true"]
                    volumes: [{type: bind, source: /srv/checkout/conf, target: /conf}]
                    depends_on: {db: {condition: service_healthy}}
                    deploy: {mode: global}
                  db:
                    image: busybox
                    depends_on: {web: {condition: service_started}}
                networks:
                  back: {driver: bridge}
                """);
        var e = assertThrows(ComposeFileException.class, () -> SwarmModel.adapt("compose.yml", doc, NAME, "abc", REGISTRY, STOP));
        String all = String.join("\n", e.problems());
        for (String expected : List.of("services.web.container_name: Swarm names a service's containers itself",
                "services.web.links: Swarm has no links", "services.web.ports: a swarm publishes ports on every node",
                "services.web.security_opt: Swarm does not run security_opt",
                "services.web.volumes: '/srv/checkout/conf' is a path of the manager",
                "services.web.depends_on.db.condition: a swarm starts every service at once",
                "services.web.deploy.mode: 'global' runs on every node",
                "networks.back.driver: 'bridge' does not span the nodes of a swarm")) {
            assertTrue(all.contains(expected), "refused: " + expected + "\n" + all);
        }
        assertFalse(all.contains("services.db"), "a plain depends_on is dropped, not refused:\n" + all);
        assertTrue(e.getMessage().contains("compose.yml (on a swarm)"), e.getMessage());
    }

    @Test
    void aBuildWithoutARegistryIsRefusedNamingTheSetting() {
        Map<String, Object> doc = model("services:\n  web:\n    build: {context: /src}\n    image: feature-x-web\n");
        var e = assertThrows(ComposeFileException.class, () -> SwarmModel.adapt("compose.yml", doc, NAME, "abc", Optional.empty(), STOP));
        assertTrue(e.problems().get(0).startsWith("services.web.build: the nodes of a swarm pull every image from a registry"),
                e.problems().toString());
        assertTrue(e.problems().get(0).contains("reviewenv.swarm.registry"));
    }

    @Test
    void goDurationsAsComposeWritesThem() {
        assertEquals(Duration.ofSeconds(90), SwarmModel.goDuration("1m30s"));
        assertEquals(Duration.ofMillis(1500), SwarmModel.goDuration("1.5s"));
        assertNull(SwarmModel.goDuration("soon"));
        assertNull(SwarmModel.goDuration("10s junk"));
    }
}
