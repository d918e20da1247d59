package dev.reviewenv.teardown;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.environment.ImageOwnership;
import dev.reviewenv.reaper.Reaper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.Registry;
import dev.reviewenv.testsupport.HostServices;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stack;
import dev.reviewenv.testsupport.Stacks;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way an environment ends, against the real Docker engine, Redis, git and Compose: each
 * must leave no container, volume, network or built image of the project, no route and no
 * record. The reaper is called with explicit instants (its schedule is an hour here). Run on
 * each engine: {@link EndingsTest} (Compose on this host), {@link EndingsWithSwarmTest}.
 */
abstract class EndingsScenarios {
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/app");

    @Inject
    Reaper reaper;

    @Inject
    ImageOwnership images;

    String sideImage;
    /** What a test made outside reviewenv, to remove after it: argv lists. */
    final List<List<String>> extra = new java.util.ArrayList<>();

    /**
     * Runs, outside reviewenv, a part of the stack {@code project} that sleeps: a container with the
     * engine's project label, and reviewenv's label for the project when {@code ours}. Returns its name.
     */
    abstract String stray(String project, boolean ours);

    /** Removes the running stack of {@code name} behind reviewenv's back (its record stays). */
    abstract void loseStack(String name);

    @BeforeEach
    void setUp() {
        sideImage = sut.sideImage();
        sut.cleanUp("docker", "rmi", sideImage + "-2"); // what the test of a deploy after a stop tags
    }

    @AfterEach
    void tearDown() {
        extra.forEach(argv -> Cmd.run(null, Map.of(), argv.toArray(String[]::new)));
        for (String name : List.of("ends-a", "ends-b")) {
            Cmd.run(null, Map.of(), "chattr", "-i", sut.home().resolve(".reviewenv").resolve(name).resolve("pin").toString());
        }
        reaper.reap(Instant.now().plus(Duration.ofDays(36500)), false);
    }

    void tagSide() {
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", sideImage);
    }

    /** Pushes a branch holding the test stack; returns the environment name once it runs. */
    String deploy(String branch, String page, String... pushArgs) {
        sut.git().branch(branch).file("docker-compose.yml", Stack.compose("web", sideImage)).file("web/Dockerfile", Stack.dockerfile(page));
        sut.git().commit(page);
        return Api.succeeded(Api.startedJob(sut.git().push(branch, pushArgs))).getString("environment");
    }

    Path record(String name) {
        return sut.home().resolve(".reviewenv").resolve(name);
    }

    void assertGone(String name) {
        assertEquals(List.of(), Stacks.leftovers(name), name + " leaves nothing in Docker");
        assertFalse(Files.exists(record(name)), name + " leaves no record");
        assertFalse(Files.exists(sut.home().resolve(".reviewenv-traefik/dynamic").resolve(name + ".yml")), name + " leaves no route");
    }

    String endings() throws Exception {
        Path log = sut.home().resolve(".reviewenv/.endings.jsonl");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    long removeAt(String name) throws Exception {
        return Long.parseLong(Files.readString(record(name).resolve("removeat")).trim());
    }

    @Test
    void deletingTheBranchRemovesVolumesAndBuiltImages() throws Exception {
        String name = deploy("ends/a", "a");
        assertEquals("ends-a", name);
        assertFalse(Stacks.builtImages(name).isEmpty());
        String out = sut.git().push("ends/a", "--delete");
        JsonNode stop = new ObjectMapper().readTree(Api.succeeded(Api.startedJob(out)).prettify());
        assertEquals("stop", stop.get("action").asText());
        assertGone(name);
        assertTrue(endings().contains("\"name\":\"ends-a\",\"reason\":\"branch-deleted\""), endings());
    }

    @Test
    void theReaperHonoursRemoveatAsWrittenAndNeverMeansNever() throws Exception {
        String a = deploy("ends/a", "a");
        String b = deploy("ends/b", "b", "-o", "lifetime=never");
        assertFalse(Files.exists(record(b).resolve("removeat")), "never: no removeat file");
        assertEquals(List.of(), reaper.reap(Instant.now(), false).reaped());

        Files.writeString(record(a).resolve("removeat"), (Instant.now().getEpochSecond() - 5) + "\n");
        assertEquals(List.of("would reap ends-a (expired)"), reaper.reap(Instant.now(), true).reaped());
        assertEquals(2, Stacks.containers(a).size(), "a dry run changes nothing");
        assertEquals(List.of("reaped ends-a (expired)"), reaper.reap(Instant.now(), false).reaped());
        assertGone(a);
        assertTrue(endings().contains("\"name\":\"ends-a\",\"reason\":\"expired\""));

        assertEquals(List.of(), reaper.reap(Instant.now().plus(Duration.ofDays(36500)), false).reaped());
        assertEquals(2, Stacks.containers(b).size(), "an environment without removeat never expires");
    }

    @Test
    void lifetimesComeFromPushOptionsComposeFileExtendAndRestartOnRedeploy() throws Exception {
        long now = Instant.now().getEpochSecond();
        String a = deploy("ends/a", "a", "-o", "lifetime=2d");
        assertTrue(Math.abs(removeAt(a) - (now + 2 * 86400)) < 120, "push option 2d");

        sut.git().branch("ends/b").file("docker-compose.yml", "x-reviewenv: {lifetime: 3h}\n" + Stack.compose("web", sideImage))
                .file("web/Dockerfile", Stack.dockerfile("b"));
        sut.git().commit("b");
        String b = Api.succeeded(Api.startedJob(sut.git().push("ends/b"))).getString("environment");
        assertTrue(Math.abs(removeAt(b) - (now + 3 * 3600)) < 120, "x-reviewenv lifetime 3h");

        given().auth().oauth2(HostServices.TOKEN).contentType(ContentType.JSON).body("{\"lifetime\":\"30m\"}")
                .post("/api/environments/" + b + "/extend").then().statusCode(200)
                .body("removeAt", org.hamcrest.Matchers.notNullValue());
        assertTrue(Math.abs(removeAt(b) - (now + 1800)) < 120, "extended to 30m from now");
        given().auth().oauth2(HostServices.TOKEN).contentType(ContentType.JSON).body("{\"lifetime\":\"soon\"}")
                .post("/api/environments/" + b + "/extend").then().statusCode(422);
        given().auth().oauth2(HostServices.TOKEN).contentType(ContentType.JSON).body("{\"lifetime\":\"1h\"}")
                .post("/api/environments/nope/extend").then().statusCode(404);

        tagSide();
        sut.git().branch("ends/a").file("web/Dockerfile", Stack.dockerfile("a2"));
        sut.git().commit("a2");
        Api.succeeded(Api.startedJob(sut.git().push("ends/a")));
        assertTrue(Math.abs(removeAt(a) - (now + 7 * 86400)) < 120, "a redeploy restarts the default lifetime");
    }

    @Test
    void orphansAreReapedAndOnlyWhatReviewenvCreated() throws Exception {
        String a = deploy("ends/a", "a");
        stray(a, true);
        String ghost = stray("reviewenv-it-ghost-" + UUID.randomUUID().toString().substring(0, 6), true);
        String foreign = stray("reviewenv-it-foreign-" + UUID.randomUUID().toString().substring(0, 6), false);

        assertTrue(reaper.reap(Instant.now(), true).reaped().contains("would reap " + ghost + " (orphan)"));
        assertEquals(1, Stacks.containers(ghost).size(), "a dry run changes nothing");
        List<String> reaped = reaper.reap(Instant.now(), false).reaped();
        assertTrue(reaped.contains("reaped " + ghost + " (orphan)"), reaped.toString());
        assertEquals(List.of(), Stacks.containers(ghost));
        assertEquals(1, Stacks.containers(foreign).size(), "a project without reviewenv's label is never touched");
        assertEquals(3, Stacks.containers(a).size(), "the stray container of a live environment stays until it ends");

        Api.succeeded(Api.stop(a));
        assertGone(a);

        tagSide();
        String b = deploy("ends/b", "b");
        loseStack(b);
        assertTrue(reaper.reap(Instant.now(), false).reaped().contains("reaped " + b + " (orphan)"), "a record whose stack is gone");
        assertGone(b);
    }

    @Test
    void anImageThatWasOnTheHostBeforeIsKeptByEveryTeardown() {
        String before = Docker.imageId(sideImage);
        String a = deploy("ends/a", "a");
        String b = deploy("ends/b", "b");
        String out = Api.succeeded(Api.stop(a)).getString("output");
        assertTrue(out.contains("kept image " + sideImage + ": it was on the host before"), out);
        assertGone(a);
        assertEquals(2, Stacks.containers(b).size());
        Api.succeeded(Api.stop(b));
        assertGone(b);
        assertEquals(before, Docker.imageId(sideImage), "the image is still there, unchanged, after its last user");
    }

    @Test
    void aPulledImageIsReviewenvsOutlivesItsLastEnvironmentInTheCacheAndLeavesWithTheCache() {
        try (Registry registry = Registry.start()) {
            String pulled = registry.push("reviewenv/busybox:local", "it/pulled:" + UUID.randomUUID().toString().substring(0, 6));
            assertEquals("", Docker.imageId(pulled), "not on the host: a deploy must pull it");
            String stack = Stack.compose("web", pulled);
            sut.git().branch("ends/a").file("docker-compose.yml", stack).file("web/Dockerfile", Stack.dockerfile("a"));
            sut.git().commit("a");
            var first = Api.succeeded(Api.startedJob(sut.git().push("ends/a")));
            assertTrue(first.getString("output").contains("images to pull (reviewenv's from now on): " + pulled), first.getString("output"));
            sut.git().branch("ends/b").file("docker-compose.yml", stack).file("web/Dockerfile", Stack.dockerfile("b"));
            sut.git().commit("b");
            Api.succeeded(Api.startedJob(sut.git().push("ends/b")));

            String out = Api.succeeded(Api.stop("ends-a")).getString("output");
            assertTrue(out.contains("left image " + pulled + ": still used by ends-b"), out);
            assertTrue(!Docker.imageId(pulled).isEmpty(), "ends-b still has it");
            out = Api.succeeded(Api.stop("ends-b")).getString("output");
            assertTrue(out.contains("kept image " + pulled + " in the image cache for the next deploy that needs it"), out);
            assertTrue(!Docker.imageId(pulled).isEmpty(), "the image cache keeps it (reviewenv.image-cache, 5g by default)");
            assertGone("ends-a");
            assertGone("ends-b");

            sut.git().branch("ends/a").file("docker-compose.yml", stack + "# again\n");
            sut.git().commit("a again");
            out = Api.succeeded(Api.startedJob(sut.git().push("ends/a"))).getString("output");
            assertFalse(out.contains("images to pull"), "the next deploy finds it in the cache:\n" + out);
            Api.succeeded(Api.stop("ends-a"));
            List<String> trimmed = new java.util.ArrayList<>();
            images.trimCache(0, trimmed::add);
            assertTrue(trimmed.stream().anyMatch(l -> l.startsWith("removed cached image " + pulled)), trimmed.toString());
            assertEquals("", Docker.imageId(pulled), "what reviewenv pulled leaves with the cache");
        }
    }

    @Test
    void aFailingTeardownNeitherStopsThePassNorIsRetriedForever() throws Exception {
        String a = deploy("ends/a", "a");
        tagSide();
        String b = deploy("ends/b", "b");
        Path pin = record(a).resolve("pin");
        Files.writeString(pin, "cannot be deleted");
        Cmd.ok("chattr", "+i", pin.toString());
        String past = (Instant.now().getEpochSecond() - 5) + "\n";
        Files.writeString(record(a).resolve("removeat"), past);
        Files.writeString(record(b).resolve("removeat"), past);

        Reaper.Report first = reaper.reap(Instant.now(), false);
        assertEquals(List.of("reaped ends-b (expired)"), first.reaped());
        assertEquals(1, first.failed().size(), first.failed().toString());
        assertTrue(first.failed().get(0).startsWith("failed to reap ends-a (expired)"), first.failed().toString());
        assertGone(b);
        JsonNode rec = new ObjectMapper().readTree(record(a).resolve("environment.json").toFile());
        assertEquals("teardown-failed", rec.get("status").asText());
        assertEquals(1, rec.get("teardownFailures").asInt());
        assertEquals(List.of(), Stacks.containers(a), "what could be removed was removed");

        for (int i = 2; i <= Reaper.MAX_FAILURES; i++) {
            assertEquals(1, reaper.reap(Instant.now(), false).failed().size());
        }
        Reaper.Report capped = reaper.reap(Instant.now(), false);
        assertEquals(List.of(), capped.failed());
        assertTrue(capped.skipped().get(0).startsWith("gave up on ends-a after 5"), capped.skipped().toString());

        Cmd.ok("chattr", "-i", pin.toString());
        Api.succeeded(Api.stop(a));
        assertGone(a);
    }

    @Test
    void aPushDuringATeardownWaitsForItThenDeploysAnew() throws Exception {
        String a = deploy("ends/a", "first");
        String stop = Api.stop(a);
        Instant deadline = Instant.now().plusSeconds(30);
        while (!"running".equals(Api.job(stop).getString("status")) && !Api.job(stop).getString("status").equals("succeeded")
                && Instant.now().isBefore(deadline)) {
            Api.sleep(20);
        }
        String side2 = sideImage + "-2";
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", side2);
        sut.git().branch("ends/a").file("web/Dockerfile", Stack.dockerfile("second")).file("docker-compose.yml", Stack.compose("web", side2));
        String second = sut.git().commit("second");
        String deployJob = Api.startedJob(sut.git().push("ends/a"));
        assertEquals("succeeded", Api.awaitJob(stop).getString("status"));
        var deployed = Api.succeeded(deployJob);
        assertTrue(Instant.parse(deployed.getString("startedAt")).compareTo(Instant.parse(Api.job(stop).getString("finishedAt"))) <= 0
                || deployed.getString("output").contains("checking out"), "the deploy ran");
        JsonNode rec = new ObjectMapper().readTree(record(a).resolve("environment.json").toFile());
        assertEquals(second, rec.get("commit").asText());
        assertEquals("running", rec.get("status").asText());
        assertEquals(2, Stacks.containers(a).size());
    }
}
