package dev.reviewenv.job;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.reaper.Reaper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
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
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults against the real parts, inside one service: Redis stopped or restarted under running
 * and queued jobs and under a push, a failed update of a running environment, a teardown that is
 * stuck beside an environment that expires, a deploy and a stop of one branch racing. Each
 * asserts how the jobs ended and, by Docker labels, that nothing is half-made.
 */
@QuarkusTest
@WithTestResource(value = HostServices.class, initArgs = {
        @ResourceArg(name = "redis-aof", value = "true"),
        @ResourceArg(name = "config", value = """
                reviewenv.compose.stop-timeout=3s
                reviewenv.jobs.heartbeat=1s
                """)})
class FaultsTest {
    @Inject
    Reaper reaper;

    @Inject
    EnvironmentLocks locks;

    /** Its tests stop Redis and break jobs: the stops after them are awaited, however they end. */
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/faults").stopping(ServiceUnderTest.Stopping.ENDED);

    Path spool;

    @BeforeEach
    void setUp() {
        spool = Path.of(sut.config("reviewenv.spool.dir"));
        sut.git().env("REVIEWENV_SPOOL", spool.toString());
    }

    @AfterEach
    void tearDown() {
        if (!redisAnswers()) {
            HostServices.redis().up();
        }
    }

    static boolean redisAnswers() {
        return Cmd.run(null, Map.of(), "redis-cli", "-p", Integer.toString(HostServices.redis().port()), "ping").text().contains("PONG");
    }

    /** A web service serving {@code page} from its image, with a named volume at /data; the build takes {@code buildSeconds}. */
    GitFixture branch(String branch, String page, int buildSeconds) {
        return sut.git().branch(branch).file("docker-compose.yml", """
                services:
                  web:
                    build: ./web
                    init: true
                    expose: ["8080"]
                    volumes: ["data:/data"]
                volumes:
                  data: {}
                """).file("web/Dockerfile", """
                FROM reviewenv/busybox:local
                RUN echo %s >/dev/null && sleep %d && mkdir -p /www && echo '%s' > /www/index.html
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(java.util.UUID.randomUUID(), buildSeconds, page));
    }

    /** Commits {@link #branch} and pushes it; returns the job. */
    String pushed(String branch, String page, int buildSeconds) {
        branch(branch, page, buildSeconds);
        return push(branch);
    }

    String push(String branch) {
        sut.git().commit(branch);
        return Api.startedJob(sut.git().push(branch));
    }

    static void awaitOutput(String job, String text) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Api.job(job).getString("output").contains(text)) {
            assertTrue(Instant.now().isBefore(deadline), "job " + job + " never printed " + text);
            Api.sleep(100);
        }
    }

    void assertRunning(String name, String page) {
        assertEquals(1, Docker.environment(name).size(), name + " runs");
        assertTrue(Files.exists(sut.home().resolve(".reviewenv-traefik/dynamic").resolve(name + ".yml")), name + " is routed");
        assertEquals(page, Traefik.await(sut.traefikPort(), name + ".localhost", page, Duration.ofSeconds(20)).body().trim());
    }

    void assertNothingOf(String name) {
        assertEquals(List.of(), Stacks.leftovers(name), name + " leaves nothing in Docker");
        assertFalse(Files.exists(sut.home().resolve(".reviewenv").resolve(name)), name + " leaves no record");
    }

    @Test
    void aFailedUpdateKeepsWhatRanAndItsData() {
        String first = Api.succeeded(pushed("keep", "first", 0)).getString("revision");
        String web = Docker.environment("keep").get(0).at("/Id").asText();
        Cmd.ok("docker", "exec", web, "sh", "-c", "echo precious > /data/mark");

        sut.git().branch("keep").file("docker-compose.yml", """
                services:
                  web:
                    build: ./web
                    init: true
                    command: ["sh", "-c", "echo cannot start; exit 3"]
                    expose: ["8080"]
                    volumes: ["data:/data"]
                volumes:
                  data: {}
                """);
        JsonPath update = Api.awaitJob(push("keep"));
        assertEquals("failed", update.getString("status"), update.getString("output"));
        assertTrue(update.getString("output").contains("keep still runs commit " + first + " with its data"), update.getString("output"));
        assertRunning("keep", "first");
        String now = Docker.environment("keep").get(0).at("/Id").asText();
        assertEquals("precious", Cmd.ok("docker", "exec", now, "cat", "/data/mark").trim(), "the volume's data is still there");
        JsonPath env = given().auth().oauth2(HostServices.TOKEN).get("/api/environments/keep").then().statusCode(200).extract().jsonPath();
        assertEquals("running", env.getString("status"));
        assertEquals(first, env.getString("commit"));
    }

    @Test
    void aStuckTeardownNeverHoldsUpTheExpiryOfAnother() throws Exception {
        sut.git().branch("stuck").file("docker-compose.yml", """
                services:
                  web:
                    image: reviewenv/busybox:local
                    command: ["sh", "-c", "trap '' TERM; mkdir -p /w; echo stuck > /w/index.html; httpd -p 8080 -h /w; while true; do sleep 1; done"]
                    stop_grace_period: 24h
                    expose: ["8080"]
                """);
        Api.succeeded(push("stuck"));
        Api.succeeded(pushed("other", "other", 0));
        for (String name : List.of("stuck", "other")) {
            Files.writeString(sut.home().resolve(".reviewenv").resolve(name).resolve("removeat"), (Instant.now().getEpochSecond() - 1) + "\n");
        }
        Instant start = Instant.now();
        String stop = Api.stop("stuck");
        awaitOutput(stop, "tearing down stuck");
        Reaper.Report pass = reaper.reap(Instant.now(), false);
        assertTrue(pass.reaped().contains("reaped other (expired)"), pass.lines().toString());
        assertTrue(pass.skipped().contains("left stuck for the next pass: a deploy or stop of it is running"), pass.lines().toString());
        Api.succeeded(stop);
        assertTrue(Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(60)) < 0,
                "a container with a 24 h grace period is stopped after reviewenv.compose.stop-timeout, not 24 h");
        assertNothingOf("stuck");
        assertNothingOf("other");
    }

    @Test
    void aDeployAndAStopOfOneBranchRacingEndWithTheNewestOnly() {
        String deploy;
        String stop;
        try (EnvironmentLocks.Held held = locks.hold(EnvironmentName.of("race"))) {
            deploy = pushed("race", "race", 0);
            awaitStatus(deploy, "running");
            stop = Api.startedJob(sut.git().push(":race"));
            awaitStatus(stop, "running");
        }
        JsonPath d = Api.awaitJob(deploy);
        JsonPath s = Api.awaitJob(stop);
        assertEquals("cancelled", d.getString("status"), d.getString("output"));
        assertTrue(d.getString("error").contains("a newer push or stop of team/faults race came after it"), d.getString("error"));
        assertEquals("succeeded", s.getString("status"), s.getString("output"));
        assertNothingOf("race");
    }

    static void awaitStatus(String job, String status) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!status.equals(Api.job(job).getString("status"))) {
            assertTrue(Instant.now().isBefore(deadline), "job " + job + " never " + status);
            Api.sleep(50);
        }
    }

    @Test
    void redisStoppedDuringAJobTheJobStillEnds() {
        String job = pushed("during", "during", 4);
        awaitOutput(job, "$ docker");
        HostServices.redis().down();
        Api.sleep(3000);
        HostServices.redis().up();
        JsonPath done = Api.awaitJob(job);
        assertEquals("succeeded", done.getString("status"), done.getString("output"));
        assertRunning("during", "during");
        assertEquals("running", given().auth().oauth2(HostServices.TOKEN).get("/api/environments/during").then().extract()
                .jsonPath().getString("status"));
    }

    @Test
    void aPushWhileRedisIsDownIsQueuedAndDeployedWhenRedisIsBack() {
        HostServices.redis().down();
        given().get("/q/health/ready").then().statusCode(503);
        branch("later", "later", 0);
        sut.git().commit("later");
        String out = sut.git().push("later");
        assertTrue(out.contains("the push of later is queued in " + spool), out);
        HostServices.redis().up();
        given().get("/q/health/ready").then().statusCode(200);
        Instant deadline = Instant.now().plusSeconds(60);
        while (!"running".equals(given().auth().oauth2(HostServices.TOKEN).get("/api/environments/later").jsonPath().getString("status"))) {
            assertTrue(Instant.now().isBefore(deadline), "the queued push was never deployed");
            Api.sleep(250);
        }
        assertRunning("later", "later");
        try (var left = Files.list(spool)) {
            assertEquals(List.of(), left.filter(p -> p.toString().endsWith(".push")).toList(), "the spool is empty again");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void redisRestartedWithJobsQueuedRunsThemAll() {
        for (String b : List.of("q1", "q2", "q3")) {
            branch(b, b, 3);
            sut.git().commit(b);
        }
        String out = sut.git().pushAll(List.of("q1", "q2", "q3"));
        Matcher m = Api.STARTED.matcher(out);
        List<String> jobs = new java.util.ArrayList<>();
        while (m.find()) {
            jobs.add(m.group(1));
        }
        assertEquals(3, jobs.size(), out);
        awaitStatus(jobs.get(0), "running");
        HostServices.redis().down();
        HostServices.redis().up();
        for (String job : jobs) {
            assertEquals("succeeded", Api.awaitJob(job).getString("status"), Api.job(job).getString("output"));
        }
        for (String b : List.of("q1", "q2", "q3")) {
            assertRunning(b, b);
        }
    }
}
