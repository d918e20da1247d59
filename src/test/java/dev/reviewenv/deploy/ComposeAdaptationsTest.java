package dev.reviewenv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.engine.compose.ComposeDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each adaptation of a compose file as teams write it, on models as Compose v1 and v2 resolve them. */
class ComposeAdaptationsTest {
    @TempDir
    Path dir;
    Path checkout;

    @BeforeEach
    void checkout() throws Exception {
        checkout = Files.createDirectories(dir.resolve("ws")).toRealPath();
        Files.writeString(checkout.resolve("nginx.conf"), "events {}\n");
        Files.createDirectories(checkout.resolve("conf/sub"));
        Files.createSymbolicLink(checkout.resolve("current"), Path.of("conf"));
        Files.createSymbolicLink(checkout.resolve("out"), Path.of("/etc"));
    }

    Map<String, Object> service(String yaml, List<String> notes, Set<PolicyRule> trusted) {
        Map<String, Object> doc = ComposeDocument.parse("f", yaml.replace("$CHECKOUT", checkout.toString()));
        notes.addAll(ComposeAdaptations.adapt(doc, doc, checkout, trusted));
        @SuppressWarnings("unchecked")
        Map<String, Object> web = (Map<String, Object>) ((Map<?, ?>) doc.get("services")).get("web");
        return web;
    }

    Map<String, Object> service(String yaml, List<String> notes) {
        return service(yaml, notes, EnumSet.noneOf(PolicyRule.class));
    }

    @ParameterizedTest(name = "{0} -> expose {1}")
    @CsvSource(delimiter = '|', value = {
            "\"8080\"                     | 8080",
            "\"127.0.0.1:8081:80/tcp\"    | 80",
            "\"80:8080\"                  | 8080",
            "\"5000-5002:5000-5002\"      | 5000-5002",
            "\"[::1]:9000:9000\"          | 9000",
            "\"53:53/udp\"                | 53",
            "{target: 3000, published: \"80\", protocol: tcp, mode: ingress} | 3000",
            "{target: 90, published: 90} | 90"})
    void aPublishedPortOfEveryFormIsNotPublishedButRoutable(String port, String expose) {
        List<String> notes = new java.util.ArrayList<>();
        Map<String, Object> web = service("services:\n  web:\n    image: x\n    ports: [" + port + "]\n", notes);
        assertEquals(null, web.get("ports"), "nothing is published on the host");
        assertEquals(List.of(expose), web.get("expose"));
        assertEquals(List.of("services.web.ports: not published, routed through Traefik"), notes);
    }

    @Test
    void portsJoinWhatExposeHeldAndTheRouteIsStillTheFirstContainerPort() {
        List<String> notes = new java.util.ArrayList<>();
        Map<String, Object> web = service("services:\n  web:\n    image: x\n    expose: [\"9000\"]\n    ports: [\"80:8080\", \"9000:9000\"]\n",
                notes);
        assertEquals(List.of("9000", "8080"), web.get("expose"));
        var doc = ComposeDocument.parse("f", "services:\n  web:\n    image: x\n    ports: [\"${PORT:-80}:8080\"]\n"
                .replace("${PORT:-80}", "80"));
        ComposeAdaptations.adapt(doc, doc, checkout, Set.of());
        assertEquals(8080, ComposeRenderer.render("f", doc, doc, dev.reviewenv.naming.EnvironmentName.of("x"), "c", checkout, false).port());
    }

    @Test
    void aTrustedRepositoryKeepsItsPorts() {
        List<String> notes = new java.util.ArrayList<>();
        Map<String, Object> web = service("services:\n  web:\n    image: x\n    ports: [\"80:8080\"]\n", notes, EnumSet.of(PolicyRule.PORTS));
        assertEquals(List.of("80:8080"), web.get("ports"));
        assertEquals(List.of(), notes);
    }

    @Test
    void aContainerNameBecomesAnAliasOnEachOfTheServicesNetworks() {
        List<String> notes = new java.util.ArrayList<>();
        Map<String, Object> web = service("services:\n  web:\n    image: x\n    container_name: db\n", notes);
        assertEquals(null, web.get("container_name"));
        assertEquals(Map.of("default", Map.of("aliases", List.of("db"))), web.get("networks"));
        Map<String, Object> two = service("services:\n  web:\n    image: x\n    container_name: db\n"
                + "    networks: {back: {aliases: [data]}, front: null}\n", notes);
        assertEquals(Map.of("back", Map.of("aliases", List.of("data", "db")), "front", Map.of("aliases", List.of("db"))),
                two.get("networks"));
        Map<String, Object> list = service("services:\n  web:\n    image: x\n    container_name: db\n    networks: [back]\n", notes);
        assertEquals(Map.of("back", Map.of("aliases", List.of("db"))), list.get("networks"));
        assertTrue(notes.get(0).startsWith("services.web.container_name: dropped; 'db' is an alias"), notes.toString());
    }

    @Test
    void bindsOfTheCheckoutAreReadOnlyInEveryFormAndTheirFlagsDropped() {
        List<String> notes = new java.util.ArrayList<>();
        Map<String, Object> web = service("""
                services:
                  web:
                    image: x
                    volumes:
                      - $CHECKOUT/nginx.conf:/etc/nginx/nginx.conf:ro
                      - $CHECKOUT/conf:/conf:z
                      - $CHECKOUT/conf:/conf2:rw,Z
                      - $CHECKOUT/conf/sub:/sub:cached
                      - {type: bind, source: $CHECKOUT/conf, target: /c, bind: {propagation: rshared, create_host_path: true}}
                      - {type: bind, source: $CHECKOUT/current, target: /cur}
                      - data:/data
                      - /anonymous
                volumes:
                  data: {}
                """, notes);
        List<?> volumes = (List<?>) web.get("volumes");
        for (int i = 0; i < 6; i++) {
            Map<?, ?> m = (Map<?, ?>) volumes.get(i);
            assertEquals("bind", m.get("type"), m.toString());
            assertEquals(true, m.get("read_only"), m.toString());
            assertTrue(Path.of(String.valueOf(m.get("source"))).startsWith(checkout), m.toString());
            assertEquals(null, m.get("bind"), "selinux, propagation and create_host_path go: " + m);
        }
        assertEquals(checkout.resolve("conf").toString(), ((Map<?, ?>) volumes.get(5)).get("source"), "the link is followed inside");
        assertEquals("data:/data", volumes.get(6));
        assertEquals("/anonymous", volumes.get(7));
        assertTrue(notes.get(1).contains("./conf is mounted read-only from the environment's checkout (a branch never writes into it);"
                + " z dropped"), notes.toString());
        assertEquals(6, notes.size(), notes.toString());
    }

    @Test
    void aBindOfWhatTheRepositoryDoesNotHaveBecomesAVolumeOfTheEnvironments() {
        List<String> notes = new java.util.ArrayList<>();
        Map<String, Object> doc = ComposeDocument.parse("f", ("services:\n  web:\n    image: x\n    volumes:\n"
                + "      - $CHECKOUT/data/db:/var/lib/postgresql/data\n").replace("$CHECKOUT", checkout.toString()));
        notes.addAll(ComposeAdaptations.adapt(doc, doc, checkout, Set.of()));
        String key = ComposeAdaptations.volumeKey("data/db");
        assertTrue(key.matches("bind-data-db-[0-9a-f]{6}"), key);
        Map<?, ?> web = (Map<?, ?>) ((Map<?, ?>) doc.get("services")).get("web");
        assertEquals(List.of(Map.of("type", "volume", "source", key, "target", "/var/lib/postgresql/data")), web.get("volumes"));
        assertTrue(((Map<?, ?>) doc.get("volumes")).containsKey(key));
        assertTrue(notes.get(0).contains("./data/db is not in the repository"), notes.toString());
    }

    @Test
    void aBindThatLeadsOutOrStandsForTheHostItselfIsLeftForThePolicyToRefuse() {
        List<String> notes = new java.util.ArrayList<>();
        List<String> asWritten = List.of(checkout + "/out/passwd:/p", "/var/run/docker.sock:/var/run/docker.sock", "/:/host",
                "/proc:/host/proc:ro", "/sys/fs/cgroup:/cg:ro", "/dev/sda:/d", "/lib/modules:/lib/modules",
                "/var/lib/docker:/docker:ro", "/var/log:/logs:ro", "/run/containerd/containerd.sock:/c.sock", "/home/u/app.sock:/s");
        Map<String, Object> web = service("services:\n  web:\n    image: x\n    volumes:\n"
                + asWritten.stream().map(v -> "      - " + v + "\n").collect(java.util.stream.Collectors.joining()), notes);
        assertEquals(asWritten, web.get("volumes"), "a link out is not followed out; the host itself is not stood in for");
        assertEquals(List.of(), notes);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.reviewenv.engine.compose.ComposeFileException.class,
                () -> ComposePolicy.enforce("f", Map.of("services", Map.of("web", web)), "x", checkout, Set.of()));
        assertEquals(asWritten.size(), e.problems().size(), e.problems().toString());
    }

    @Test
    void aPathOfTheHostIsNeverMountedAWritableOneIsAVolumeOfTheEnvironmentsAndAReadOnlyOneIsDropped() {
        List<String> notes = new java.util.ArrayList<>();
        Map<String, Object> web = service("""
                services:
                  web:
                    image: x
                    volumes:
                      - /root/minecraft_data:/data:rw
                      - {type: bind, source: /etc, target: /host-etc, bind: {create_host_path: true}}
                      - $CHECKOUT/../shared:/shared
                      - /etc/localtime:/etc/localtime:ro
                      - {type: bind, source: /home/u/.aws, target: /root/.aws, read_only: true}
                      - data:/named
                volumes:
                  data: {}
                """, notes);
        String minecraft = ComposeAdaptations.volumeKey("host/root/minecraft_data");
        String etc = ComposeAdaptations.volumeKey("host/etc");
        String shared = ComposeAdaptations.volumeKey("host" + checkout.getParent().resolve("shared"));
        assertTrue(minecraft.matches("bind-host-root-minecraft-data-[0-9a-f]{6}"), minecraft);
        assertEquals(List.of(Map.of("type", "volume", "source", minecraft, "target", "/data"),
                Map.of("type", "volume", "source", etc, "target", "/host-etc"),
                Map.of("type", "volume", "source", shared, "target", "/shared"),
                "data:/named"), web.get("volumes"), "no bind of the host is left; the named volume is as it was");
        assertEquals(5, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("services.web.volumes[0]: /root/minecraft_data of the host is not mounted (a review"
                + " environment never writes the host's files); /data is a volume of the environment's own instead (" + minecraft
                + ": empty at first"), notes.get(0));
        assertTrue(notes.get(3).equals("services.web.volumes[3]: /etc/localtime of the host is not mounted (a review environment"
                + " never reads the host's files); /etc/localtime is what the image has there"), notes.get(3));
        assertTrue(notes.get(4).startsWith("services.web.volumes[4]: /home/u/.aws of the host is not mounted"), notes.get(4));
        ComposePolicy.enforce("f", Map.of("services", Map.of("web", web), "volumes", Map.of("data", Map.of(), minecraft, Map.of(),
                etc, Map.of(), shared, Map.of())), "x", checkout, Set.of());
    }

    @Test
    void aTrustedRepositoryKeepsItsBindsOfTheHost() {
        List<String> notes = new java.util.ArrayList<>();
        Map<String, Object> web = service("services:\n  web:\n    image: x\n    volumes: [\"/srv/media:/media:ro\", \"/srv/up:/up\"]\n",
                notes, EnumSet.of(PolicyRule.BIND_MOUNTS));
        assertEquals(List.of("/srv/media:/media:ro", "/srv/up:/up"), web.get("volumes"));
        assertEquals(List.of(), notes);
    }

    @Test
    void aDotEnvFeedsInterpolationButNeverSteersCompose() {
        assertEquals(List.of("PAGE=hello", "# a comment", "COMPOSER_HOME=/c", "DB=x"), Admission.interpolationOnly(List.of(
                "COMPOSE_PROJECT_NAME=victim", "PAGE=hello", "COMPOSE_FILE=evil.yml", "# a comment", "COMPOSE_PROFILES=debug",
                "DOCKER_HOST=tcp://127.0.0.1:1", "  export DOCKER_CONFIG=/tmp", "COMPOSER_HOME=/c", "DB=x")));
    }

    @Test
    void profilesRestartAndVersionAreAdaptedAndSaidSo() {
        Map<String, Object> doc = ComposeDocument.parse("f", """
                version: "3.9"
                services:
                  web: {image: x, restart: always, deploy: {restart_policy: {condition: any}, replicas: 1}}
                  debug: {image: x, privileged: true, profiles: [debug]}
                """);
        List<String> notes = ComposeAdaptations.adapt(doc, doc, checkout, Set.of());
        assertEquals(Set.of("web"), ((Map<?, ?>) doc.get("services")).keySet());
        Map<?, ?> web = (Map<?, ?>) ((Map<?, ?>) doc.get("services")).get("web");
        assertEquals("no", web.get("restart"));
        assertEquals(Map.of("replicas", 1), web.get("deploy"));
        assertEquals(null, doc.get("version"));
        assertEquals(4, notes.size(), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("services.debug is not run")), notes.toString());
    }
}
