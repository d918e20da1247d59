package dev.reviewenv;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stack;
import dev.reviewenv.testsupport.Stacks;
import dev.reviewenv.testsupport.Traefik;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path, for real: git push through the real hook, the HTTP API, Redis, JGit, Compose,
 * Docker and Traefik; then a new commit, then broken branches that must leave nothing behind.
 * Run once with Compose v2 and once with v1.
 */
abstract class PushScenarios {
    static final Pattern STARTED = Pattern.compile("started job ([0-9a-f-]{36}) for (\\S+)");

    /** How the job output shows the Compose command in use, e.g. {@code "$ docker compose "}. */
    abstract String composeCommand();

    /** The tests end their own environments: none is stopped after them. */
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/shop").stopping(ServiceUnderTest.Stopping.NONE);

    String sideImage;

    @BeforeEach
    void setUp() {
        sideImage = sut.sideImage();
    }

    String compose(String webDir) {
        return Stack.compose(webDir, sideImage);
    }

    static String dockerfile(String page) {
        return Stack.dockerfile(page);
    }

    @Test
    void pushingABranchRunsItsStackBehindTraefikAndANewCommitUpdatesItInPlace() throws Exception {
        String branch = "Feature/Login_Page-42";
        String name = "feature-login-page-42";
        String host = name + ".localhost";
        sut.git().branch(branch).file("docker-compose.yml", compose("web")).file("web/Dockerfile", dockerfile("first commit"));
        String first = sut.git().commit("first");

        Instant before = Instant.now();
        String output = sut.git().push(branch);
        Matcher m = STARTED.matcher(output);
        assertTrue(m.find(), "push output names the job:\n" + output);
        assertEquals("team/shop", m.group(2));
        assertTrue(output.contains("http://" + host), "push output has the URL:\n" + output);
        String job = m.group(1);

        JsonPath done = awaitJob(job);
        assertEquals("succeeded", done.getString("status"), done.getString("output"));
        assertEquals(first, done.getString("revision"));
        assertEquals("http://" + host, done.getString("url"));
        assertTrue(done.getString("output").contains("is up at http://" + host));
        assertTrue(done.getString("output").contains(composeCommand() + "--ansi never"), "ran " + composeCommand());

        List<String> containers = Stacks.containers(name);
        assertEquals(2, containers.size(), "web and side run as project " + name + ": " + containers);
        for (String c : containers) {
            assertEquals(name, Stacks.label(c, Labels.ENVIRONMENT), "every container carries the environment label");
            assertEquals("1073741824 1000000000 512", Cmd.ok("docker", "inspect", "-f",
                    "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}", c).strip(),
                    "every container runs with the default limits (1g, 1 CPU, 512 processes)");
        }
        assertEquals(1, Stacks.volumes(name).size(), "the named volume belongs to the project");

        Path record = sut.home().resolve(".reviewenv").resolve(name);
        assertTrue(Files.isRegularFile(record.resolve("docker-compose.yml")));
        long removeAt = Long.parseLong(Files.readString(record.resolve("removeat")).trim());
        long expected = before.plus(Duration.ofDays(7)).getEpochSecond();
        assertTrue(Math.abs(removeAt - expected) < 120, "removeat is now + 7d: " + removeAt + " vs " + expected);
        JsonNode env = new ObjectMapper().readTree(record.resolve("environment.json").toFile());
        assertEquals("team/shop", env.get("repository").asText());
        assertEquals(branch, env.get("branch").asText());
        assertEquals("refs/heads/" + branch, env.get("ref").asText());
        assertEquals(first, env.get("commit").asText());
        assertEquals("http://" + host, env.get("url").asText());
        assertEquals("running", env.get("status").asText());
        String createdAt = env.get("createdAt").asText();
        assertFalse(env.get("deployedAt").isNull());

        Path route = sut.home().resolve(".reviewenv-traefik/dynamic").resolve(name + ".yml");
        JsonNode routeDoc = new YAMLMapper().readTree(route.toFile());
        assertEquals("Host(`" + host + "`)", routeDoc.at("/http/routers/" + name + "/rule").asText());
        assertEquals("http://web." + name + ":8080", routeDoc.at("/http/services/" + name + "/loadBalancer/servers/0/url").asText());
        assertEquals(List.of(), dev.reviewenv.engine.traefik.SharedSchemas.traefikViolations(routeDoc));

        Traefik.Answer page = Traefik.await(sut.traefikPort(), host, "first commit", Duration.ofSeconds(20));
        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("first commit"));
        assertEquals(404, Traefik.get(sut.traefikPort(), "nobody.localhost", "/").status(), "unknown hosts are not routed");

        given().auth().oauth2(HostServices.TOKEN).get("/api/environments").then().statusCode(200)
                .body("name", hasItem(name));
        given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + name).then().statusCode(200)
                .body("commit", org.hamcrest.Matchers.equalTo(first))
                .body("status", org.hamcrest.Matchers.equalTo("running"));

        // A new commit to the same branch updates the environment in place; the hook follows the log.
        sut.git().file("web/Dockerfile", dockerfile("second commit"));
        String second = sut.git().commit("second");
        String followed = sut.git().env("REVIEWENV_WAIT", "1").push(branch);
        sut.git().env("REVIEWENV_WAIT", "0");
        assertTrue(followed.contains("--- job succeeded"), "REVIEWENV_WAIT=1 follows the log to its end:\n" + followed);
        Matcher m2 = STARTED.matcher(followed);
        assertTrue(m2.find());
        assertEquals("succeeded", awaitJob(m2.group(1)).getString("status"));
        assertEquals(200, Traefik.await(sut.traefikPort(), host, "second commit", Duration.ofSeconds(20)).status());
        JsonNode env2 = new ObjectMapper().readTree(record.resolve("environment.json").toFile());
        assertEquals(second, env2.get("commit").asText());
        assertEquals(createdAt, env2.get("createdAt").asText(), "an update keeps the environment's creation time");
        assertEquals(2, Stacks.containers(name).size());
        assertTrue(followed.contains("removed replaced image"), "the first commit's build is removed:\n" + followed);

        stopAndAssertNothingLeft(name);
    }

    @Test
    void brokenBranchesFailWithTheReasonAndLeaveNothingBehind() {
        record Broken(String branch, String composeFile, String dockerfile, String reason) {
        }
        List<Broken> cases = List.of(
                new Broken("broken/yaml", "services:\n  web: [unclosed\n", null, "not valid YAML"),
                new Broken("broken/schema", "services:\n  web:\n    image: 42\n    bogus: true\n", null, "Compose specification"),
                new Broken("broken/missing-image", """
                        services:
                          web:
                            image: reviewenv-it/does-not-exist:1
                            expose: ["8080"]
                        """, null, "does-not-exist"),
                new Broken("broken/build", compose("web"), "FROM reviewenv/busybox:local\nRUN exit 3\n", "failed (exit"),
                new Broken("broken/crash", """
                        services:
                          web:
                            image: %s
                            init: true
                            command: ["sh", "-c", "echo bad config; exit 7"]
                            expose: ["8080"]
                        """.formatted(sideImage), null, "exit 7"));
        for (Broken b : cases) {
            // What other tests left running from the same image is not this case's to judge.
            List<String> before = Cmd.lines(Cmd.ok("docker", "ps", "-aq", "--filter", "ancestor=reviewenv/busybox:local"));
            // A teardown removes every image its stack used (down --rmi all), the side image included.
            Cmd.ok("docker", "tag", "reviewenv/busybox:local", sideImage);
            sut.git().branch(b.branch()).delete("web").delete("docker-compose.yml").file("docker-compose.yml", b.composeFile());
            if (b.dockerfile() != null) {
                sut.git().file("web/Dockerfile", b.dockerfile());
            }
            sut.git().commit(b.branch());
            Matcher m = STARTED.matcher(sut.git().push(b.branch()));
            assertTrue(m.find(), b.branch());
            JsonPath done = awaitJob(m.group(1));
            String name = done.getString("environment");
            assertEquals("failed", done.getString("status"), b.branch() + ":\n" + done.getString("output"));
            assertTrue(done.getString("output").contains(b.reason()),
                    b.branch() + " says why (" + b.reason() + "):\n" + done.getString("output"));
            assertEquals(List.of(), Stacks.leftovers(name), b.branch() + " leaves nothing in Docker");
            List<String> left = Cmd.lines(Cmd.ok("docker", "ps", "-aq", "--filter", "ancestor=reviewenv/busybox:local")).stream()
                    .filter(c -> !before.contains(c)).toList();
            assertEquals(List.of(), left.stream().map(c -> Cmd.ok("docker", "inspect", "-f", "{{.Name}} {{.Config.Labels}}", c).trim())
                    .toList(), b.branch() + " leaves no container of a failed build step");
            assertFalse(Files.exists(sut.home().resolve(".reviewenv").resolve(name)), b.branch() + " leaves no record");
            assertFalse(Files.exists(sut.home().resolve(".reviewenv-traefik/dynamic").resolve(name + ".yml")), b.branch() + " leaves no route");
            given().auth().oauth2(HostServices.TOKEN).get("/api/environments/" + name).then().statusCode(404);
        }
    }

    JsonPath awaitJob(String id) {
        return Api.awaitJob(id);
    }

    /** Stops the environment, checks nothing of it is left, and returns the stop job's output. */
    String stopAndAssertNothingLeft(String name) {
        String job = given().auth().oauth2(HostServices.TOKEN).delete("/api/environments/" + name).then().statusCode(202)
                .extract().jsonPath().getString("job");
        JsonPath done = awaitJob(job);
        assertEquals("succeeded", done.getString("status"));
        assertEquals(List.of(), Stacks.leftovers(name));
        assertFalse(Files.exists(sut.home().resolve(".reviewenv").resolve(name)));
        return done.getString("output");
    }

}
