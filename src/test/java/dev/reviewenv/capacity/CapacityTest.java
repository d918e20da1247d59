package dev.reviewenv.capacity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.reaper.Reaper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.Registry;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.SmallDisk;
import dev.reviewenv.testsupport.Stacks;
import dev.reviewenv.testsupport.Traefik;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the host can hold, against the real Docker engine and a real Traefik: limits in
 * {@code docker inspect} and holding a memory hog and a fork bomb, eviction by last request through
 * Traefik, the disk floor (on a small tmpfs standing in for Docker's data root), the image cache,
 * and sleep and wake through Traefik.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = @ResourceArg(name = "config", value = """
        reviewenv.max-environments=2
        reviewenv.idle-after=1h
        reviewenv.limits.memory=64m
        reviewenv.limits.cpus=0.5
        reviewenv.limits.pids=64
        reviewenv.repositories."team/cap".never-expire=cap/keep
        """))
@WithTestResource(SmallDisk.class)
class CapacityTest {
    @Inject
    Reaper reaper;

    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/cap");

    @AfterEach
    void tearDown() {
        SmallDisk.fill(0);
    }

    /** A stack that serves {@code page} on 8080 from an image that was on the host before (nothing to build). */
    static String web(String page, String more) {
        return """
                services:
                  web:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "mkdir -p /www && echo %s > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    expose: ["8080"]
                %s""".formatted(page, more);
    }

    /** Commits {@code compose} on {@code branch} and pushes it; returns the job. */
    String push(String branch, String compose) {
        sut.git().branch(branch).file("docker-compose.yml", compose);
        sut.git().commit(branch);
        return Api.startedJob(sut.git().push(branch));
    }

    String deploy(String branch, String compose) {
        return Api.succeeded(push(branch, compose)).getString("environment");
    }

    JsonPath environment(String name) {
        return given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + name).then().statusCode(200).extract().jsonPath();
    }

    /** Requests the environment through Traefik, then waits until reviewenv has read that request from Traefik's log. */
    void visit(String name) {
        assertEquals(200, Traefik.get(sut.traefikPort(), name + ".localhost", "/").status());
        Instant deadline = Instant.now().plusSeconds(30);
        while (environment(name).getString("lastRequest") == null) {
            assertTrue(Instant.now().isBefore(deadline), "reviewenv never saw the request to " + name + " in Traefik's access log");
            Api.sleep(200);
        }
    }

    String endings() throws Exception {
        Path log = sut.home().resolve(".reviewenv/.endings.jsonl");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void limitsHoldAMemoryHogAndAForkBombWhileTheNeighbourAndTheServiceKeepAnswering() {
        String name = deploy("cap/hog", web("neighbour", """
                  hog:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "sleep 2; exec tail /dev/zero"]
                  bomb:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "sleep 2; while true; do sleep 600 & done"]
                """));
        for (String c : Stacks.containers(name)) {
            assertEquals("67108864 500000000 64", Cmd.ok("docker", "inspect", "-f",
                    "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}", c).strip(),
                    "every service runs with the configured limits");
        }
        String hog = name + "_hog_1";
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Cmd.ok("docker", "inspect", "-f", "{{.State.OOMKilled}}", hog).strip().equals("true")) {
            assertTrue(Instant.now().isBefore(deadline), "the memory hog was never killed by its limit: "
                    + Cmd.ok("docker", "inspect", "-f", "{{json .State}}", hog));
            Api.sleep(250);
        }
        // busybox sh gives up when a fork fails: the bomb ends on its pids limit, the host never sees more.
        String bomb = name + "_bomb_1";
        while (!Cmd.ok("docker", "inspect", "-f", "{{.State.Status}}", bomb).strip().equals("exited")) {
            assertTrue(Instant.now().isBefore(deadline), "the fork bomb was never stopped by its pids limit");
            Api.sleep(250);
        }
        String bombLog = Cmd.run(null, Map.of(), "docker", "logs", bomb).text();
        assertTrue(bombLog.contains("can't fork: Resource temporarily unavailable"), bombLog);
        assertEquals(200, Traefik.get(sut.traefikPort(), name + ".localhost", "/").status(), "the neighbour keeps answering");
        given().get("/q/health/ready").then().statusCode(200);
        JsonPath env = environment(name);
        assertEquals(67108864L, env.getLong("resources.memoryLimitBytes"));
        assertEquals(64L, env.getLong("resources.pidsLimit"));
    }

    @Test
    void aPushBeyondMaxEnvironmentsEvictsTheLeastRecentlyRequestedOne() throws Exception {
        String a = deploy("cap/a", web("a", ""));
        String b = deploy("cap/b", web("b", ""));
        Api.sleep(1100); // last requests are kept to the second
        visit(a); // a was deployed first, but requested last: b is the least recently used
        String out = Api.succeeded(push("cap/c", web("c", "")))
                .getString("output");
        assertTrue(out.contains("evicting " + b + " (least recently used"), out);
        assertEquals(List.of(a, "cap-c"), Api.environments().stream().sorted().toList());
        assertEquals(List.of(), Stacks.leftovers(b), "the evicted environment is gone from Docker");
        assertTrue(endings().contains("\"name\":\"" + b + "\",\"reason\":\"evicted\""), endings());
        assertEquals(200, Traefik.get(sut.traefikPort(), a + ".localhost", "/").status());
    }

    @Test
    void anEnvironmentThatNeverExpiresIsEvictedLastEvenWhenUsedLongestAgo() {
        String keep = deploy("cap/keep", web("keep", ""));
        assertEquals(null, environment(keep).getString("removeAt"), "cap/keep never expires");
        String b = deploy("cap/b", web("b", ""));
        String out = Api.succeeded(push("cap/c", web("c", ""))).getString("output");
        assertTrue(out.contains("evicting " + b + " (least recently used"), "b goes, though " + keep + " was used longer ago:\n" + out);
        assertEquals(List.of("cap-c", keep), Api.environments().stream().sorted().toList());
    }

    /** The reaper's meter, by reason. */
    static Map<String, Double> ended() {
        return Api.meter("reviewenv_reaper_ended_total", "reason");
    }

    String deployFor90s(String branch, String page) {
        sut.git().branch(branch).file("docker-compose.yml", web(page, ""));
        sut.git().commit(page);
        return Api.succeeded(Api.startedJob(sut.git().push(branch, "-o", "lifetime=90s"))).getString("environment");
    }

    @Test
    void theReapersMeterCountsEnvironmentsEndedByReasonAndNothingElse() {
        // Two at a time (reviewenv.max-environments=2): one idle and one expiring, then another expiring.
        String idle = deploy("cap/m-idle", web("idle", ""));
        String a = deployFor90s("cap/m-a", "a");
        Map<String, Double> before = ended();
        Instant later = Instant.now().plus(Duration.ofHours(2));
        Reaper.Report dry = reaper.reap(later, true);
        assertTrue(dry.reaped().contains("would reap " + a + " (expired)"), dry.lines().toString());
        assertEquals(before, ended(), "a dry run ends nothing");
        Reaper.Report pass = reaper.reap(later, false);
        assertTrue(pass.reaped().contains("reaped " + a + " (expired)") && pass.reaped().contains("put " + idle + " to sleep (no request for 1h)"),
                pass.lines().toString());
        String b = deployFor90s("cap/m-b", "b");
        Reaper.Report next = reaper.reap(Instant.now().plus(Duration.ofHours(2)), false);
        assertTrue(next.reaped().contains("reaped " + b + " (expired)"), next.lines().toString());
        Map<String, Double> after = ended();
        Map<String, Double> delta = new java.util.TreeMap<>();
        after.forEach((reason, n) -> {
            double d = n - before.getOrDefault(reason, 0.0);
            if (d != 0) {
                delta.put(reason, d);
            }
        });
        assertEquals(Map.of("expired", 2.0), delta, "two expired; the sleep and the dry run are not endings");
    }

    @Test
    void anIdleEnvironmentSleepsAndARequestThroughTraefikWakesIt() {
        String name = deploy("cap/sleepy", web("awake", """
                    volumes: ["data:/data"]
                volumes:
                  data: {}
                """));
        Cmd.ok("docker", "exec", name + "_web_1", "sh", "-c", "echo kept > /data/note");
        Reaper.Report pass = reaper.reap(Instant.now().plus(Duration.ofHours(2)), false);
        assertTrue(pass.reaped().contains("put " + name + " to sleep (no request for 1h)"), pass.lines().toString());
        assertEquals("sleeping", environment(name).getString("status"));
        assertEquals("false", Cmd.ok("docker", "inspect", "-f", "{{.State.Running}}", name + "_web_1").strip(), "containers stopped");
        assertEquals(1, Stacks.volumes(name).size(), "volumes kept");

        Instant asked = Instant.now();
        Traefik.Answer first = Traefik.get(sut.traefikPort(), name + ".localhost", "/");
        assertEquals(503, first.status(), first.body());
        assertTrue(first.body().contains("Starting " + name) && first.body().contains("http-equiv=\"refresh\""), first.body());
        Traefik.Answer woken = Traefik.await(sut.traefikPort(), name + ".localhost", "awake", Duration.ofSeconds(60));
        long ms = Duration.between(asked, Instant.now()).toMillis();
        assertEquals(200, woken.status(), woken.body());
        System.out.println("woke " + name + " through Traefik in " + ms + " ms");
        assertEquals("running", environment(name).getString("status"));
        assertEquals("kept\n", Cmd.ok("docker", "exec", name + "_web_1", "cat", "/data/note"), "its data survived the sleep");
        assertNotNull(environment(name).getString("lastRequest"), "the wake counts as a request");
        Reaper.Report next = reaper.reap(Instant.now().plus(Duration.ofMinutes(30)), false);
        assertFalse(next.lines().stream().anyMatch(l -> l.contains("to sleep")), "a woken environment is not idle: " + next.lines());
    }

    @Test
    void anEnvironmentWhoseContainersStoppedWithoutReviewenvComesBackOnTheNextRequest() {
        String name = deploy("cap/restarted", web("back again", ""));
        for (String c : Stacks.containers(name)) {
            Cmd.ok("docker", "stop", "-t", "1", c); // as a restart of the Docker daemon leaves them
        }
        assertTrue(Traefik.get(sut.traefikPort(), name + ".localhost", "/").status() >= 502, "nothing answers behind the route");
        Reaper.Report pass = reaper.reap(Instant.now(), false);
        assertTrue(pass.reaped().contains("put " + name + " to sleep: its containers had stopped without reviewenv; a request"
                + " wakes it"), pass.lines().toString());
        assertEquals("sleeping", environment(name).getString("status"));
        Traefik.Answer back = Traefik.await(sut.traefikPort(), name + ".localhost", "back again", Duration.ofSeconds(60));
        assertEquals(200, back.status(), back.body());
        assertEquals("running", environment(name).getString("status"));
    }

    @Test
    void belowTheDiskFloorTheLargestUsersGoFirstThenTheImageCacheThenDeploysAreRefused() throws Exception {
        try (Registry registry = Registry.start()) {
            String pulled = registry.push("reviewenv/busybox:local", "it/cached:" + java.util.UUID.randomUUID().toString().substring(0, 6));
            String a = deploy("cap/a", web("a", """
                      side:
                        image: %s
                        init: true
                        command: ["sleep", "3600"]
                    """.formatted(pulled)));
            // b fills a volume of its own, and is the one used last: the disk, not its age, decides.
            String b = deploy("cap/b", web("b", """
                      filler:
                        image: reviewenv/busybox:local
                        init: true
                        command: ["sh", "-c", "dd if=/dev/zero of=/data/fill bs=1M count=16 && exec sleep 3600"]
                        volumes: ["data:/data"]
                    volumes:
                      data: {}
                    """));
            visit(b);
            SmallDisk.fill(40); // 24 MiB free of 64: below the 32 MiB floor
            Reaper.Report pass = reaper.reap(Instant.now(), false);
            List<String> lines = pass.reaped();
            int evictedA = indexOf(lines, "evicting " + a + " ");
            int evictedB = indexOf(lines, "evicting " + b + " ");
            int trimmed = indexOf(lines, "removed cached image " + pulled);
            assertTrue(evictedB >= 0 && evictedB < evictedA && evictedA < trimmed, "the largest first, though used last, then"
                    + " the others, then the cache: " + lines);
            assertTrue(lines.get(evictedB).contains("it holds 16 MiB of the disk, the most")
                    || lines.get(evictedB).contains("it holds 17 MiB of the disk, the most"), lines.get(evictedB));
            assertTrue(lines.get(lines.size() - 1).contains("below reviewenv.disk-floor=32m"), lines.toString());
            assertEquals(List.of(), Api.environments());
            assertEquals("", Docker.imageId(pulled), "the cached image was trimmed");
            assertTrue(endings().contains("\"name\":\"" + a + "\",\"reason\":\"evicted\""), endings());

            JsonPath refused = Api.awaitJob(push("cap/c", web("c", "")));
            assertEquals("failed", refused.getString("status"));
            assertTrue(refused.getString("output").contains("below reviewenv.disk-floor=32m")
                    && refused.getString("output").contains("Free space in Docker's data root, or lower reviewenv.disk-floor"),
                    refused.getString("output"));
            assertEquals(List.of(), Api.environments(), "a refused deploy leaves no record");
            assertEquals(List.of(), Stacks.leftovers("cap-c"));

            SmallDisk.fill(0);
            Api.succeeded(push("cap/c", web("c", "") + "# again\n"));
            assertEquals(List.of("cap-c"), Api.environments());
        }
    }

    static int indexOf(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i;
            }
        }
        return -1;
    }
}
