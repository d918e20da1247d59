package dev.reviewenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.JarService;
import dev.reviewenv.testsupport.Stacks;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed and stopped in the middle of a deploy, as hosts do: with SIGKILL
 * during {@code compose up}, with SIGTERM during a build. Every push still ends, nothing of the
 * environment is half-made, and no Compose process is left running.
 */
class FaultsIT {
    JarService service;
    GitFixture git;

    @BeforeEach
    void setUp() throws Exception {
        service = new JarService(true);
        service.env.put("REVIEWENV_JOBS_HEARTBEAT", "1s");
        service.env.put("REVIEWENV_JOBS_WORKERS", "1");
        service.env.put("REVIEWENV_REAPER_EVERY", "1h");
        git = new GitFixture(service.gitRoot, "team/ops", service.url(), HostServices.TOKEN);
    }

    @AfterEach
    void tearDown() {
        service.stop(30);
        for (String name : List.of("slow")) {
            Docker.environment(name).forEach(c -> Cmd.run(null, Map.of(), "docker", "rm", "-f", c.at("/Id").asText()));
            Stacks.volumes(name).forEach(v -> Cmd.run(null, Map.of(), "docker", "volume", "rm", v));
            Stacks.networks(name).forEach(n -> Cmd.run(null, Map.of(), "docker", "network", "rm", n));
            Stacks.builtImages(name).forEach(i -> Cmd.run(null, Map.of(), "docker", "rmi", i));
        }
        service.close();
        git.close();
    }

    /**
     * A branch whose {@code compose up} takes {@code seconds}: its web service waits for a gate that
     * turns healthy that late. Its image is built (never from the build cache) before.
     */
    String pushSlow(int seconds) {
        git.branch("slow").file("docker-compose.yml", """
                services:
                  web:
                    build: ./web
                    init: true
                    expose: ["8080"]
                    depends_on: {gate: {condition: service_healthy}}
                  gate:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "sleep %d; mkdir -p /tmp/ok; exec sleep 3600"]
                    healthcheck: {test: ["CMD-SHELL", "test -d /tmp/ok"], interval: 1s, retries: 120}
                """.formatted(seconds)).file("web/Dockerfile", """
                FROM reviewenv/busybox:local
                RUN echo %s >/dev/null && mkdir -p /www && echo slow > /www/index.html
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(UUID.randomUUID()));
        git.commit("slow");
        return Api.startedJob(git.push("slow"));
    }

    /** A branch whose build takes {@code seconds} (never from the build cache). */
    String pushSlowBuild(int seconds) {
        git.branch("slow").file("docker-compose.yml", """
                services:
                  web:
                    build: ./web
                    init: true
                    expose: ["8080"]
                """).file("web/Dockerfile", """
                FROM reviewenv/busybox:local
                RUN echo %s >/dev/null && sleep %d && mkdir -p /www && echo slow > /www/index.html
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(UUID.randomUUID(), seconds));
        git.commit("slow");
        return Api.startedJob(git.push("slow"));
    }

    static void awaitOutput(String job, String text) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Api.job(job).getString("output").contains(text)) {
            assertTrue(Instant.now().isBefore(deadline), "job " + job + " never printed " + text);
            Api.sleep(100);
        }
    }

    /** Compose processes of the project still running on the host. */
    static List<String> composeOf(String project) {
        return Cmd.lines(Cmd.run(null, Map.of(), "pgrep", "-af", "--", "-p " + project + " ").text());
    }

    void assertRunsWhole(String name) throws java.io.IOException {
        List<com.fasterxml.jackson.databind.JsonNode> web = Docker.environment(name).stream()
                .filter(c -> "web".equals(c.at("/Config/Labels/com.docker.compose.service").asText())).toList();
        assertEquals(1, web.size(), "one web container, no second");
        assertEquals("running", web.get(0).at("/State/Status").asText());
        assertTrue(Files.exists(service.home.resolve(".reviewenv-traefik/dynamic").resolve(name + ".yml")), "routed");
        assertTrue(Files.readString(service.home.resolve(".reviewenv").resolve(name).resolve("environment.json")).contains("\"running\""),
                "recorded as running");
    }

    @Test
    void killedWithSigkillDuringComposeUpTheJobIsTakenAgainAndEnds() throws Exception {
        service.start();
        String job = pushSlow(20);
        awaitOutput(job, " up -d");
        Api.sleep(500);
        service.kill();
        assertTrue(!composeOf("slow").isEmpty(), "the killed service's Compose runs on, orphaned");
        service.start();
        JsonPath done = Api.awaitJob(job);
        assertEquals("succeeded", done.getString("status"), done.getString("output"));
        assertEquals(2, done.getInt("attempts"), "taken a second time");
        assertTrue(done.getString("output").contains("the worker running this job stopped; the job is taken again"), done.getString("output"));
        String log = Files.readString(service.log());
        assertTrue(log.contains("left running by a service that was killed"), "the new service ended the Compose the killed one had started:\n" + log);
        assertRunsWhole("slow");
        assertEquals(List.of(), composeOf("slow"));
    }

    /**
     * Stops the host's Docker daemon, the one whose PID is in its pid file (not every dockerd on the
     * machine: swarm tests run daemons of their own), waits for that process to exit, starts it as
     * deploy/host-deps.sh does, and checks the host is as it was: the default bridge and every
     * network there was are back (but those of the environment under test, which the failed deploy may remove).
     */
    static void restartDocker() throws Exception {
        java.nio.file.Path pidFile = java.nio.file.Path.of("/var/run/docker.pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid + " of " + pidFile));
        assertTrue(daemon.info().command().orElse("").endsWith("dockerd"), pidFile + " names " + daemon.info().command());
        List<String> networks = Cmd.lines(Cmd.ok("docker", "network", "ls", "--format", "{{.Name}}")).stream()
                .filter(n -> !n.startsWith("slow_")).toList();
        Cmd.ok("kill", "-TERM", Long.toString(pid));
        Instant deadline = Instant.now().plusSeconds(60);
        while (daemon.isAlive()) {
            assertTrue(Instant.now().isBefore(deadline), "dockerd " + pid + " did not stop");
            Api.sleep(200);
        }
        Cmd.ok("deploy/host-deps.sh");
        assertEquals("docker0", Cmd.ok("docker", "network", "inspect", "-f",
                "{{index .Options \"com.docker.network.bridge.name\"}}", "bridge").trim(), "the default bridge is back");
        assertEquals(0, Cmd.run(null, Map.of(), "ip", "link", "show", "docker0").code(), "and its interface");
        List<String> after = Cmd.lines(Cmd.ok("docker", "network", "ls", "--format", "{{.Name}}"));
        assertTrue(after.containsAll(networks), "every network is back: missing " + networks.stream().filter(n -> !after.contains(n)).toList());
    }

    @Test
    void theDockerDaemonRestartingDuringADeployEndsTheJobAndLeavesNothingHalfMade() throws Exception {
        service.env.put("REVIEWENV_REAPER_EVERY", "2s");
        service.start();
        String job = pushSlow(8);
        awaitOutput(job, " up -d");
        restartDocker();
        JsonPath done = Api.awaitJob(job);
        Instant deadline = Instant.now().plusSeconds(90);
        boolean whole = false;
        boolean gone = false;
        while (!whole && !gone) {
            assertTrue(Instant.now().isBefore(deadline), "the environment stayed half-made: " + Docker.environment("slow")
                    + "\n" + done.getString("output"));
            Api.sleep(500);
            boolean recorded = Files.exists(service.home.resolve(".reviewenv/slow"));
            gone = !recorded && Stacks.leftovers("slow").isEmpty();
            whole = recorded && "succeeded".equals(done.getString("status")) && Docker.environment("slow").size() == 2
                    && Docker.environment("slow").stream().allMatch(c -> "running".equals(c.at("/State/Status").asText()));
        }
        if (gone) {
            assertEquals("failed", done.getString("status"), done.getString("output"));
        }
        System.out.println("after the daemon restarted, the deploy " + done.getString("status") + " and the environment is "
                + (whole ? "whole" : "gone") + ":\n" + done.getString("output"));
    }

    @Test
    void sigtermDuringABuildHandsTheJobBackAndLeavesNoChildRunning() throws Exception {
        service.start();
        String job = pushSlowBuild(20);
        awaitOutput(job, "STEP 2/");
        Instant asked = Instant.now();
        assertTrue(service.stop(30), "the service stops");
        assertTrue(java.time.Duration.between(asked, Instant.now()).toSeconds() < 25, "within 25 s, not after the build");
        assertEquals(List.of(), composeOf("slow"), "no Compose left running");
        assertEquals(List.of(), Cmd.lines(Cmd.ok("docker", "ps", "-aq", "--filter", "label=dev.reviewenv.role=build")),
                "no builder left running");
        String status = Cmd.ok("redis-cli", "-p", Integer.toString(service.redis.port()), "hget", "reviewenv:job:" + job, "status").trim();
        assertEquals("queued", status, "handed back to the queue");

        service.start();
        JsonPath done = Api.awaitJob(job);
        assertEquals("succeeded", done.getString("status"), done.getString("output"));
        assertTrue(done.getString("output").contains("the service stopped while this job ran"), done.getString("output"));
        assertRunsWhole("slow");
    }
}
