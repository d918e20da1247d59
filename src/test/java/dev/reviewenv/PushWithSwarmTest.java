package dev.reviewenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.HostServices;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.WithTestResource;
import java.util.List;

/**
 * {@link PushScenarios} on the swarm engine: this engine as a single-node swarm manager, every
 * environment a stack, its built images pushed to a registry run here (and removed from it with the
 * environment). Images are built with Compose v2.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {@ResourceArg(name = "compose", value = "docker compose"),
        @ResourceArg(name = "swarm", value = "true")})
class PushWithSwarmTest extends PushScenarios {
    @Override
    String composeCommand() {
        return "$ docker compose ";
    }

    @Override
    String stopAndAssertNothingLeft(String name) {
        List<String> tagsBefore = HostServices.registry().tags(name + "/web");
        assertFalse(tagsBefore.isEmpty(), "the built images were pushed to the registry");
        String output = super.stopAndAssertNothingLeft(name);
        assertEquals(List.of(), HostServices.registry().tags(name + "/web"),
                "the built images leave the registry with the environment (there were " + tagsBefore + ")");
        assertTrue(output.contains("removed what " + name + " left on 1 node(s)"), "every node is cleaned:\n" + output);
        return output;
    }

    /** A volume of a swarm is a node's: a seed is refused at admission, naming the key, and nothing is created. */
    @org.junit.jupiter.api.Test
    void aSeedIsRefusedOnTheSwarmEngineNamingTheKey() {
        sut.git().branch("swarm/seed").file("docker-compose.yml", """
                services:
                  web:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "exec sleep 3600"]
                    expose: ["8080"]
                    volumes: ["data:/data"]
                volumes:
                  data: {}
                x-reviewenv:
                  seed: {from: main, volumes: [data]}
                """);
        sut.git().commit("seed");
        io.restassured.path.json.JsonPath job = dev.reviewenv.testsupport.Api.awaitJob(
                dev.reviewenv.testsupport.Api.startedJob(sut.git().push("swarm/seed")));
        assertEquals("failed", job.getString("status"), job.getString("output"));
        assertTrue(job.getString("output").contains("x-reviewenv.seed: on the swarm engine a volume is a node's"), job.getString("output"));
        assertEquals(List.of(), dev.reviewenv.testsupport.Stacks.services(job.getString("environment")));
        assertEquals(List.of(), dev.reviewenv.testsupport.Stacks.volumes(job.getString("environment")));
    }

    /** Hooks run in the service's task on this host (the manager), after the first deploy and before the ending. */
    @org.junit.jupiter.api.Test
    void hooksRunInTheTaskOnTheManager() {
        sut.git().branch("swarm/hooks").file("docker-compose.yml", """
                services:
                  web:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    expose: ["8080"]
                x-reviewenv:
                  after-create: {service: web, command: [sh, -c, "echo hello from the task"]}
                  before-stop: {service: web, command: [sh, -c, "echo bye from the task"]}
                """);
        sut.git().commit("hooks");
        io.restassured.path.json.JsonPath job = dev.reviewenv.testsupport.Api.succeeded(
                dev.reviewenv.testsupport.Api.startedJob(sut.git().push("swarm/hooks")));
        assertTrue(job.getString("output").contains("after-create | hello from the task"), job.getString("output"));
        String stop = dev.reviewenv.testsupport.Api.succeeded(dev.reviewenv.testsupport.Api.stop(job.getString("environment")))
                .getString("output");
        assertTrue(stop.contains("before-stop | bye from the task"), stop);
    }
}
