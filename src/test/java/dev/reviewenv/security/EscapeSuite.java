package dev.reviewenv.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.Docker;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.Stacks;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every case of {@link Escapes} pushed as a branch through the real hook, service, Compose and
 * Docker. The verdict is what Docker runs afterwards and what changed on the host: no container
 * of a refused case, every container of a deployed one confined, the host's files, images and
 * containers as they were. Run once with Compose v2 and once with v1.
 */
abstract class EscapeSuite {
    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/escape");

    /** True for the Compose v1 run, whose own reading refuses some cases before the policy does. */
    abstract boolean v1();

    Path marker;
    String target;
    String sharedTag;
    String sharedId;

    @BeforeEach
    void host() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        marker = Files.createDirectories(Path.of("/tmp/reviewenv-escape-" + id));
        Files.writeString(marker.resolve("secret"), "HOST-SECRET-" + id + "\n");
        target = "reviewenv-escape-target-" + id;
        Cmd.ok("docker", "run", "-d", "--init", "--name", target, "reviewenv/busybox:local", "sleep", "3600");
        sharedTag = "reviewenv-it/shared:" + id;
        Cmd.ok("docker", "tag", "reviewenv/busybox:local", sharedTag);
        sharedId = Docker.imageId(sharedTag);
        // Removed once every environment is stopped.
        sut.cleanUp("docker", "rm", "-f", target);
        sut.cleanUp("docker", "rmi", sharedTag);
        sut.cleanUp("rm", "-rf", marker.toString());
    }

    /** One case's verdict: its job, and what Docker holds for it. */
    void judge(Escapes.Case c, JsonPath job, String name, List<String> ran) {
        String output = job.getString("output");
        if (c.outcome() instanceof Escapes.Refused r) {
            String expected = v1() ? r.v1() : r.v2();
            assertEquals("failed", job.getString("status"), "status");
            assertTrue(output.contains(expected), "the refusal names " + expected);
            assertFalse(output.contains(" up -d"), "refused before anything ran");
            assertEquals(List.of(), Stacks.leftovers(name));
            assertEquals(List.of(), Docker.environment(name));
            assertFalse(Files.exists(sut.home().resolve(".reviewenv").resolve(name)), "no record");
        } else if (c.outcome() instanceof Escapes.Runs runs) {
            assertEquals("succeeded", job.getString("status"), "status");
            runs.check().accept(Docker.environment(name));
            ran.add(name);
        }
    }

    @Test
    void noPushedBranchGetsTheHostAnotherEnvironmentOrPastThePolicy() throws Exception {
        Escapes.Host host = new Escapes.Host(target, marker.toString(), sharedTag);
        List<Escapes.Case> cases = Escapes.cases(host);
        assertTrue(cases.size() >= 90, "the suite has " + cases.size() + " cases");
        List<String> branches = new ArrayList<>();
        Map<String, Escapes.Case> byRef = new HashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            Escapes.Case c = cases.get(i);
            String branch = "escape/" + i;
            sut.git().fresh(branch);
            c.files().forEach(sut.git()::file);
            c.links().forEach(sut.git()::link);
            sut.git().commit(c.title());
            branches.add(branch);
            byRef.put("refs/heads/" + branch, c);
        }
        String pushed = sut.git().pushAll(branches);
        Matcher m = Api.STARTED.matcher(pushed);
        List<JsonPath> jobs = new ArrayList<>();
        while (m.find()) {
            jobs.add(Api.awaitJob(m.group(1)));
        }
        assertEquals(cases.size(), jobs.size(), "one job per pushed branch:\n" + pushed);

        List<String> ran = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("victim"));
        List<String> wrong = new ArrayList<>();
        for (JsonPath job : jobs) {
            names.add(job.getString("environment"));
            Escapes.Case c = byRef.get(job.getString("ref"));
            String name = job.getString("environment");
            try {
                judge(c, job, name, ran);
            } catch (AssertionError e) {
                wrong.add(c.title() + ": " + e.getMessage() + "\n--- output:\n" + job.getString("output"));
            }
        }
        assertEquals(List.of(), wrong, "cases that did not end as they must");

        // What Docker runs: every container of these branches is confined, whatever was pushed.
        var all = Docker.containers("dev.reviewenv.environment").stream()
                .filter(ct -> names.contains(ct.at("/Config/Labels/dev.reviewenv.environment").asText())).toList();
        assertEquals(ran.stream().sorted().toList(), all.stream().map(ct -> ct.at("/Config/Labels/dev.reviewenv.environment").asText())
                .distinct().sorted().toList(), "only the cases that may run have containers");
        all.forEach(ct -> Escapes.assertConfined(ct, host));
        // What changed on the host: nothing.
        try (Stream<Path> files = Files.list(marker)) {
            assertEquals(List.of(marker.resolve("secret")), files.toList(), "nothing was written beside the host's file");
        }
        assertEquals(sharedId, Docker.imageId(sharedTag), "the shared tag still names its image");
        assertEquals("running", Cmd.ok("docker", "inspect", "-f", "{{.State.Status}}", target).trim(), "the foreign container runs on");
        assertEquals(List.of(), Stacks.leftovers("victim"), "no project was made under another name");
    }
}
