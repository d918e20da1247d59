package dev.reviewenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.JarService;
import dev.reviewenv.testsupport.Registry;
import dev.reviewenv.testsupport.Stack;
import dev.reviewenv.testsupport.SwarmNodes;
import dev.reviewenv.testsupport.Traefik;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The swarm engine on a swarm of three nodes made on this machine ({@link SwarmNodes}: a Docker
 * daemon per network namespace), with the packaged service talking to the manager (node 1), a
 * registry on the bridge the nodes pull from, and Traefik on the manager: a stack spreads over
 * the nodes; a node that stops is reported in the environment's record and its task placed on
 * the nodes left; the stop cleans the registry and every node that is up.
 */
class MultiNodeSwarmIT {
    SwarmNodes nodes;
    Registry registry;
    JarService service;
    GitFixture git;
    int traefikPort;

    @BeforeEach
    void setUp() throws Exception {
        nodes = SwarmNodes.start(3);
        registry = Registry.start(SwarmNodes.HOST_ADDRESS);
        nodes.load("reviewenv/busybox:local", 1);
        nodes.load("reviewenv/traefik:local", 1);
        service = new JarService(false);
        service.env.put("DOCKER_HOST", nodes.socket(1));
        service.env.put("REVIEWENV_ENGINE", "swarm");
        service.env.put("REVIEWENV_SWARM_REGISTRY", registry.address());
        service.env.put("REVIEWENV_SWARM_REGISTRY_HTTP", "true");
        service.env.put("REVIEWENV_REAPER_EVERY", "2s");
        service.env.put("REVIEWENV_IMAGE_CACHE", "0"); // a pulled image leaves with its last environment, from every node
        nodes.docker(1, "network", "create", "--driver", "overlay", "--attachable", service.network);
        Path routes = Files.createDirectories(service.home.resolve(".reviewenv-traefik/dynamic"));
        Path logs = Files.createDirectories(service.home.resolve(".reviewenv-traefik/logs"));
        String traefik = nodes.docker(1, "run", "-d", "--network", service.network, "-p", "80",
                "-v", routes + ":/etc/traefik/dynamic:ro", "-v", logs + ":/var/log/traefik",
                "-v", Path.of("traefik/traefik.yml").toAbsolutePath() + ":/etc/traefik/traefik.yml:ro", "reviewenv/traefik:local").strip();
        service.env.put("REVIEWENV_TRAEFIK_CONTAINER", traefik);
        service.env.put("REVIEWENV_BUILD_LOCAL_IMAGES", "reviewenv/busybox:local");
        traefikPort = Integer.parseInt(nodes.docker(1, "port", traefik, "80/tcp").lines().findFirst().orElseThrow().replaceAll(".*:", ""));
        service.start();
        git = new GitFixture(service.gitRoot, "team/big", service.url(), HostServices.TOKEN);
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.stop(30);
        }
        if (git != null) {
            git.close();
        }
        if (service != null) {
            service.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    /** The nodes the service's tasks that should run are on, by host name. */
    Set<String> placed(String service) {
        return new TreeSet<>(Cmd.lines(nodes.docker(1, "service", "ps", "--filter", "desired-state=running", "--format",
                "{{.Node}} {{.CurrentState}}", service)).stream().filter(l -> l.contains("Running")).map(l -> l.split(" ")[0]).toList());
    }

    /** What the janitor's containers on node {@code i} printed. */
    String janitorLogs(int i) {
        StringBuilder sb = new StringBuilder();
        for (String c : Cmd.lines(nodes.docker(i, "ps", "-aq", "--filter", "label=com.docker.swarm.service.name"))) {
            sb.append(nodes.tryDocker(i, "logs", c).text()).append(nodes.tryDocker(i, "inspect", "-f", "{{.Config.Cmd}}", c).text());
        }
        for (String img : Cmd.lines(nodes.docker(i, "images", "-q"))) {
            sb.append(img).append(' ').append(nodes.tryDocker(i, "image", "inspect", "-f", "{{json .Config.Labels}} {{.RepoTags}}", img).text());
        }
        sb.append(nodes.tryDocker(i, "events", "--since", "2m", "--until", "0s", "--filter", "type=container", "--format",
                "{{.Time}} {{.Action}} {{.Actor.Attributes.image}}").text());
        return sb.toString();
    }

    JsonNode record(String name) throws Exception {
        return new ObjectMapper().readTree(service.home.resolve(".reviewenv").resolve(name).resolve("environment.json").toFile());
    }

    @Test
    void aStackSpreadsOverTheNodesAndANodeThatStopsIsReportedAndItsTaskPlacedAnew() throws Exception {
        String pulled = registry.address() + "/it/pulled:" + java.util.UUID.randomUUID().toString().substring(0, 6);
        nodes.docker(1, "tag", "reviewenv/busybox:local", pulled);
        nodes.docker(1, "push", "-q", pulled);
        nodes.docker(1, "rmi", pulled); // only in the registry: the nodes that run it pull it
        String compose = """
                services:
                  web:
                    build: ./web
                    init: true
                    expose: ["8080"]
                    volumes: ["data:/data"]
                    deploy:
                      replicas: 2
                      placement: {max_replicas_per_node: 1}
                  side:
                    image: %s
                    init: true
                    command: ["sleep", "3600"]
                    deploy: {replicas: 3, placement: {max_replicas_per_node: 1}}
                volumes:
                  data: {}
                """.formatted(pulled);
        git.branch("big/spread").file("docker-compose.yml", compose).file("web/Dockerfile", Stack.dockerfile("spread"));
        String commit = git.commit("spread");
        var deployed = Api.succeeded(Api.startedJob(git.push("big/spread")));
        String name = deployed.getString("environment");
        assertTrue(deployed.getString("output").contains("$ docker push " + registry.address() + "/" + name + "/web:" + commit),
                deployed.getString("output"));
        assertTrue(deployed.getString("output").contains("images to pull (reviewenv's from now on): " + pulled),
                deployed.getString("output"));
        assertEquals(3, placed(name + "_side").size(), "the pulled image runs on every node");
        Set<String> placed = placed(name + "_web");
        assertEquals(2, placed.size(), "two tasks on two nodes: " + placed);
        Traefik.Answer page = Traefik.awaitAt(SwarmNodes.address(1), traefikPort, name + ".localhost", "spread", Duration.ofSeconds(30));
        assertEquals(200, page.status(), page.body());

        // A worker with a task stops (as its machine would shut down).
        int lost = placed.contains(SwarmNodes.hostname(2)) ? 2 : 3;
        nodes.stop(lost);
        Instant deadline = Instant.now().plusSeconds(120);
        String reported = null;
        while (reported == null && Instant.now().isBefore(deadline)) {
            for (JsonNode e : record(name).get("history")) {
                if ("node-lost".equals(e.get("event").asText())) {
                    reported = e.get("reason").asText();
                }
            }
            Api.sleep(500);
        }
        assertTrue(reported != null, "the lost node is reported in the record:\n" + record(name).toPrettyString());
        assertTrue(reported.contains("service " + name + "_web runs 1 of 2") && reported.contains(SwarmNodes.hostname(lost)),
                reported);
        assertEquals("running", record(name).get("status").asText());
        Instant placedBy = Instant.now().plusSeconds(60);
        Set<String> now = placed(name + "_web");
        while ((now.size() < 2 || now.contains(SwarmNodes.hostname(lost))) && Instant.now().isBefore(placedBy)) {
            Api.sleep(500);
            now = placed(name + "_web");
        }
        assertEquals(2, now.size(), "both tasks run again, on the nodes left: " + now);
        assertFalse(now.contains(SwarmNodes.hostname(lost)), now.toString());
        assertEquals(200, Traefik.awaitAt(SwarmNodes.address(1), traefikPort, name + ".localhost", "spread",
                Duration.ofSeconds(30)).status());

        String stop = Api.succeeded(Api.stop(name)).getString("output");
        assertTrue(stop.contains("removed what " + name + " left on 2 node(s)"), stop);
        assertTrue(stop.contains("removed image " + pulled), "no image cache: the pulled image goes with its last user:\n" + stop);
        assertTrue(stop.contains("removed " + pulled + " on "), "and from every node that is up (checked below):\n" + stop);
        assertEquals(List.of(), registry.tags(name + "/web"), "the built image left the registry");
        for (int i = 1; i <= 3; i++) {
            if (i == lost) {
                continue;
            }
            assertEquals("", nodes.docker(i, "images", "-q", "--filter", "reference=*/" + name + "/web").strip(),
                    "node " + i + " keeps no image of " + name + "; its containers: " + nodes.docker(i, "ps", "-a") + "\n" + janitorLogs(i) + "\n" + stop);
            assertEquals("", nodes.docker(i, "volume", "ls", "-q", "--filter", "label=dev.reviewenv.environment=" + name).strip(),
                    "node " + i + " keeps no volume of " + name);
            assertEquals("", nodes.docker(i, "images", "-q", pulled).strip(), "node " + i + " keeps no pulled image");
        }
        assertEquals("", nodes.docker(1, "service", "ls", "-q").strip(), "no service is left, the janitor's included");
        assertFalse(Files.exists(service.home.resolve(".reviewenv").resolve(name)));
    }
}
