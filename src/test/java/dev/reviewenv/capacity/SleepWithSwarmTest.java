package dev.reviewenv.capacity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.reaper.Reaper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stacks;
import dev.reviewenv.testsupport.Traefik;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sleep and wake on the swarm engine, through Traefik: an idle stack is scaled to nothing with its
 * volume kept, a request wakes it with its data; a stack whose tasks ended without reviewenv comes
 * back on the next request.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {@ResourceArg(name = "swarm", value = "true"),
        @ResourceArg(name = "config", value = "reviewenv.idle-after=1h")})
class SleepWithSwarmTest {
    @Inject
    Reaper reaper;

    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/cap");

    String deploy(String branch, String page) {
        sut.git().branch(branch).file("docker-compose.yml", CapacityTest.web(page, """
                    volumes: ["data:/data"]
                volumes:
                  data: {}
                """));
        sut.git().commit(branch);
        return Api.succeeded(Api.startedJob(sut.git().push(branch))).getString("environment");
    }

    JsonPath environment(String name) {
        return given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + name).then().statusCode(200).extract().jsonPath();
    }

    /** The running containers of the stack on this node. */
    static List<String> running(String name) {
        return Cmd.lines(Cmd.ok("docker", "ps", "-q", "--filter", "label=com.docker.stack.namespace=" + name));
    }

    @Test
    void anIdleStackIsScaledToNothingAndARequestThroughTraefikWakesItWithItsData() {
        String name = deploy("cap/sleepy", "awake");
        assertEquals(1, running(name).size());
        Cmd.ok("docker", "exec", running(name).get(0), "sh", "-c", "echo kept > /data/note");
        Reaper.Report pass = reaper.reap(Instant.now().plus(Duration.ofHours(2)), false);
        assertTrue(pass.reaped().contains("put " + name + " to sleep (no request for 1h)"), pass.lines().toString());
        assertEquals("sleeping", environment(name).getString("status"));
        assertEquals(List.of(), running(name), "no task runs");
        assertEquals("0/0", Cmd.ok("docker", "service", "ls", "--filter", "name=" + name + "_web", "--format", "{{.Replicas}}").strip());
        assertEquals(1, Stacks.volumes(name).size(), "the volume is kept");

        Traefik.Answer first = Traefik.get(sut.traefikPort(), name + ".localhost", "/");
        assertEquals(503, first.status(), first.body());
        assertTrue(first.body().contains("Starting " + name), first.body());
        Traefik.Answer woken = Traefik.await(sut.traefikPort(), name + ".localhost", "awake", Duration.ofSeconds(60));
        assertEquals(200, woken.status(), woken.body());
        assertEquals("running", environment(name).getString("status"));
        assertEquals("kept\n", Cmd.ok("docker", "exec", running(name).get(0), "cat", "/data/note"), "its data survived the sleep");
    }

    @Test
    void aStackWhoseTasksEndedWithoutReviewenvComesBackOnTheNextRequest() {
        String name = deploy("cap/restarted", "back again");
        running(name).forEach(c -> Cmd.ok("docker", "stop", "-t", "1", c)); // as a restart of the node's Docker leaves them
        Instant deadline = Instant.now().plusSeconds(20);
        while (!Cmd.ok("docker", "service", "ps", "-q", "--filter", "desired-state=running", name + "_web").isBlank()) {
            assertTrue(Instant.now().isBefore(deadline), "Swarm saw the task end");
            Api.sleep(200);
        }
        Reaper.Report pass = reaper.reap(Instant.now(), false);
        assertTrue(pass.reaped().contains("put " + name + " to sleep: its containers had stopped without reviewenv; a request"
                + " wakes it"), pass.lines().toString());
        Traefik.Answer back = Traefik.await(sut.traefikPort(), name + ".localhost", "back again", Duration.ofSeconds(60));
        assertEquals(200, back.status(), back.body());
        assertEquals("running", environment(name).getString("status"));
    }
}
