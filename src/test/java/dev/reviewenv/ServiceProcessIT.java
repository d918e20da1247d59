package dev.reviewenv;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.GitFixture;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.JarService;
import dev.reviewenv.testsupport.Stack;
import dev.reviewenv.testsupport.Stacks;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service as an operator runs it ({@code java -jar quarkus-run.jar}): environments
 * survive a restart of the service and still expire, and the one-shot reaper
 * ({@code quarkus-run.jar reap}) ends them with the service stopped.
 */
class ServiceProcessIT {
    JarService service;
    GitFixture git;
    String sideImage;

    @BeforeEach
    void setUp() throws IOException {
        service = new JarService(false);
        service.env.put("REVIEWENV_REAPER_EVERY", "1s");
        git = new GitFixture(service.gitRoot, "team/ops", service.url(), HostServices.TOKEN);
        sideImage = "reviewenv-it/side:" + UUID.randomUUID().toString().substring(0, 8);
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", sideImage);
    }

    @AfterEach
    void tearDown() {
        service.stop(30);
        for (String name : List.of("ops-a", "ops-b")) {
            for (String c : Stacks.containers(name)) {
                Cmd.run(null, Map.of(), "docker", "rm", "-f", c);
            }
            Stacks.volumes(name).forEach(v -> Cmd.run(null, Map.of(), "docker", "volume", "rm", v));
            Stacks.networks(name).forEach(n -> Cmd.run(null, Map.of(), "docker", "network", "rm", n));
            Stacks.builtImages(name).forEach(i -> Cmd.run(null, Map.of(), "docker", "rmi", i));
        }
        Cmd.run(null, Map.of(), "docker", "rmi", sideImage);
        git.close();
        service.close();
    }

    String deploy(String branch) {
        // The service's own environment holds the API token; a compose file must not be able to read it.
        String compose = Stack.compose("web", sideImage).replace("    command: [\"sleep\", \"3600\"]\n",
                "    command: [\"sleep\", \"3600\"]\n    environment: {LEAK: \"${REVIEWENV_API_TOKEN:-none}\"}\n");
        git.branch(branch).file("docker-compose.yml", compose).file("web/Dockerfile", Stack.dockerfile(branch));
        git.commit(branch);
        return Api.succeeded(Api.startedJob(git.push(branch))).getString("environment");
    }

    void expire(String name) throws IOException {
        Files.writeString(service.home.resolve(".reviewenv").resolve(name).resolve("removeat"), (Instant.now().getEpochSecond() - 1) + "\n");
    }

    Cmd.Out reap(String... args) {
        String[] argv = new String[3 + args.length];
        argv[0] = "java";
        argv[1] = "-jar";
        argv[2] = JarService.JAR.toAbsolutePath().toString();
        System.arraycopy(args, 0, argv, 3, args.length);
        return Cmd.run(null, service.env, argv);
    }

    void assertGone(String name) {
        assertEquals(List.of(), Stacks.leftovers(name));
        assertFalse(Files.exists(service.home.resolve(".reviewenv").resolve(name)));
    }

    @Test
    void anEnvironmentOutlivesARestartOfTheServiceAndStillExpires() throws Exception {
        service.start();
        String a = deploy("ops/a");
        assertEquals("ops-a", a);
        service.stop(30);
        service.start();
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200).body("name", hasItem(a));
        assertEquals(2, Stacks.containers(a).size(), "a restart of the service leaves the stacks running");
        String side = Stacks.containers(a).stream().filter(c -> c.contains("side")).findFirst().orElseThrow();
        String env = Cmd.ok("docker", "inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", side);
        assertTrue(env.contains("LEAK=none") && !env.contains(HostServices.TOKEN), "the token does not reach a compose file: " + env);
        assertFalse(Files.readString(service.log()).contains(HostServices.TOKEN), "nor the service log");
        expire(a);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Files.exists(service.home.resolve(".reviewenv").resolve(a)) && Instant.now().isBefore(deadline)) {
            Api.sleep(250);
        }
        assertGone(a);
        assertTrue(Files.readString(service.home.resolve(".reviewenv/.endings.jsonl")).contains("\"reason\":\"expired\""));
    }

    @Test
    void theOneShotReaperEndsEnvironmentsWithTheServiceStopped() throws Exception {
        service.env.put("REVIEWENV_REAPER_EVERY", "1h");
        service.start();
        String a = deploy("ops/a");
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", sideImage);
        String b = deploy("ops/b");
        service.stop(30);
        expire(a);
        String ghost = "reviewenv-it-ghost-" + UUID.randomUUID().toString().substring(0, 6);
        Cmd.ok("docker", "run", "-d", "--init", "--name", ghost, "--label", "com.docker.compose.project=" + ghost,
                "--label", "dev.reviewenv.environment=" + ghost, "reviewenv/busybox:local", "sleep", "3600");

        Cmd.Out dry = reap("reap", "--dry-run");
        assertEquals(0, dry.code(), dry.text());
        assertTrue(dry.text().contains("would reap ops-a (expired)"), dry.text());
        assertTrue(dry.text().contains("would reap " + ghost + " (orphan)"), dry.text());
        assertEquals(2, Stacks.containers(a).size(), "a dry run changes nothing");

        Cmd.Out run = reap("reap");
        assertEquals(0, run.code(), run.text());
        assertTrue(run.text().contains("reaped ops-a (expired)"), run.text());
        assertGone(a);
        assertEquals(List.of(), Stacks.containers(ghost));
        assertEquals(2, Stacks.containers(b).size(), "what has not expired stays");

        assertEquals(2, reap("reap", "--bogus").code(), "bad arguments exit 2");
    }
}
