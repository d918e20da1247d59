package dev.reviewenv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.reaper.Reaper;
import dev.reviewenv.testsupport.Api;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.ServiceUnderTest;
import dev.reviewenv.testsupport.SmallDisk;
import dev.reviewenv.testsupport.Stacks;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Data for review against the real Docker engine: a branch's volume seeded from {@code main}'s
 * environment (the base's service paused for the copy, as Docker's own events show, and running
 * after), the copy the branch's own and gone with it, a missing base, the disk floor (a 64 MiB tmpfs
 * stands in for Docker's data root, {@link SmallDisk}), and the {@code after-create} and
 * {@code before-stop} hooks, each seen by what ran in the container ({@code exec_start} events). Run with
 * each Compose: the copy is made before {@code up}, and each must take it as the project's volume.
 */
abstract class SeedAndHooksScenarios {
    /** The configuration both Composes' test classes give the service. */
    static final String CONFIG = """
            reviewenv.compose.stop-timeout=3s
            reviewenv.repositories."team/seed".variables.SEED_ROWS=rows-of-main
            """;

    @Inject
    Reaper reaper;

    @RegisterExtension
    final ServiceUnderTest sut = ServiceUnderTest.repository("team/seed");

    /**
     * A web service and a database-like one whose volume {@code db} gets its rows (a file and
     * {@code mib} MiB of table) the first time it starts; {@code extension} is the file's x-reviewenv.
     */
    static String stack(int mib, String extension) {
        return """
                services:
                  web:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    expose: ["8080"]
                  db:
                    image: reviewenv/busybox:local
                    init: true
                    command: ["sh", "-c", "[ -f /data/rows.txt ] || { echo ${SEED_ROWS}-${REVIEWENV_BRANCH} > /data/rows.txt; dd if=/dev/urandom of=/data/table bs=1M count=%d 2>/dev/null; }; exec sleep 3600"]
                    volumes: ["db:/data"]
                    environment: ["SEED_ROWS=${SEED_ROWS}"]
                volumes:
                  db: {}
                x-reviewenv:
                %s
                """.formatted(mib, extension.indent(2).stripTrailing());
    }

    static final String SEED = "seed: {from: main, volumes: [db]}";

    String push(String branch, String compose) {
        sut.git().branch(branch).file("docker-compose.yml", compose);
        sut.git().commit(branch);
        return Api.startedJob(sut.git().push(branch));
    }

    static String container(String environment, String service) {
        List<String> ids = Cmd.lines(Cmd.ok("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + environment,
                "--filter", "label=com.docker.compose.service=" + service));
        assertEquals(1, ids.size(), "one container of " + service + " in " + environment);
        return ids.get(0);
    }

    static String exec(String container, String script) {
        return Cmd.ok("docker", "exec", container, "sh", "-c", script).strip();
    }

    /** Docker's events since {@code since} for {@code filters}, as "action timeNano" lines. */
    static List<String> events(Instant since, String... filters) {
        List<String> argv = new java.util.ArrayList<>(List.of("docker", "events", "--since", Long.toString(since.getEpochSecond() - 1),
                "--until", Long.toString(Instant.now().getEpochSecond() + 1), "--format", "{{.Action}} {{.TimeNano}}"));
        for (String f : filters) {
            argv.addAll(List.of("--filter", f));
        }
        long from = since.getEpochSecond() * 1_000_000_000L + since.getNano();
        return Cmd.lines(Cmd.ok(argv.toArray(String[]::new))).stream()
                .filter(e -> Long.parseLong(e.substring(e.lastIndexOf(' ') + 1)) >= from).toList();
    }

    static long at(List<String> events, String action) {
        return events.stream().filter(e -> e.startsWith(action + " ")).mapToLong(e -> Long.parseLong(e.split(" ")[1])).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " event in " + events));
    }

    @Test
    void aBranchSeededFromMainStartsWithMainsDataWhichStaysUnchangedAndTheCopyLeavesWithTheBranch() {
        JsonPath baseJob = Api.succeeded(push("main", stack(8, SEED)));
        String base = baseJob.getString("environment");
        assertTrue(baseJob.getString("output").contains("names this environment's own branch main; its volumes start empty"),
                baseJob.getString("output"));
        String baseDb = container(base, "db");
        assertEquals("rows-of-main-main", exec(baseDb, "cat /data/rows.txt"));
        String baseSum = exec(baseDb, "md5sum /data/table");

        Instant before = Instant.now();
        JsonPath job = Api.succeeded(push("seed/feature", stack(8, SEED)));
        String name = job.getString("environment");
        String log = job.getString("output");
        assertTrue(log.matches("(?s).*seed: volume db copied from " + base + ": \\d+ bytes by plain copy in [0-9.]+ s.*"), log);
        assertTrue(log.contains("seed: paused " + base + "_db_1 of " + base + " for the copy, and resumed"), log);
        assertFalse(events(before, "label=dev.reviewenv.copier=probe", "label=dev.reviewenv.environment=" + name,
                "label=com.docker.compose.project=" + name, "event=start").isEmpty(),
                "the measuring container ran with the new environment's labels, as its probe volume has them: what a service"
                        + " killed meanwhile leaves is swept with that environment");

        // The base's db was paused before the copy started and resumed after it ended, by Docker's own account.
        List<String> paused = events(before, "container=" + baseDb, "event=pause", "event=unpause");
        List<String> copier = events(before, "label=dev.reviewenv.copier=copy", "event=start", "event=die");
        assertTrue(at(paused, "pause") < at(copier, "start") && at(copier, "die") < at(paused, "unpause"),
                "pause, copy, resume: " + paused + " " + copier);
        assertEquals("false true", Cmd.ok("docker", "inspect", "-f", "{{.State.Paused}} {{.State.Running}}", baseDb).strip());
        assertEquals(List.of(), Cmd.lines(Cmd.ok("docker", "ps", "-aq", "--filter", "label=dev.reviewenv.copier")),
                "the copier's containers are gone");

        String db = container(name, "db");
        assertEquals("rows-of-main-main", exec(db, "cat /data/rows.txt"), "the branch sees main's rows");
        assertEquals(baseSum.split(" ")[0], exec(db, "md5sum /data/table").split(" ")[0]);
        exec(db, "echo mine > /data/feature.txt && echo changed >> /data/rows.txt");
        assertEquals("rows-of-main-main", exec(baseDb, "cat /data/rows.txt"), "the base is unchanged");
        assertEquals("no", exec(baseDb, "[ -e /data/feature.txt ] && echo yes || echo no"));

        String volume = name + "_db";
        assertEquals(name + " " + base + " " + name, Cmd.ok("docker", "volume", "inspect", "-f",
                "{{index .Labels \"dev.reviewenv.environment\"}} {{index .Labels \"dev.reviewenv.seeded-from\"}}"
                        + " {{index .Labels \"com.docker.compose.project\"}}", volume).strip());

        // An update is no first deploy: nothing is copied again, and the branch's own data stays.
        JsonPath update = Api.succeeded(push("seed/feature", stack(8, SEED + "\nlifetime: 2d")));
        assertFalse(update.getString("output").contains("seed:"), update.getString("output"));
        assertEquals("yes", exec(container(name, "db"), "[ -e /data/feature.txt ] && echo yes || echo no"));

        Api.succeeded(Api.stop(name));
        assertEquals(List.of(), Stacks.volumes(name), "the copy left with its environment");
        assertEquals("rows-of-main-main", exec(baseDb, "cat /data/rows.txt"));
        assertEquals(baseSum, exec(baseDb, "md5sum /data/table"), "the base's data is unchanged");
    }

    @Test
    void containersLeftPausedByACopyThatACrashCutShortAreResumedByTheNextReaperPassAndNoOthers() throws Exception {
        String base = Api.succeeded(push("main", stack(1, SEED))).getString("environment");
        String db = container(base, "db");
        String web = container(base, "web");
        // What a service killed between the pause and the resume leaves: the base paused, and marked.
        Cmd.ok("docker", "pause", db);
        java.nio.file.Path mark = sut.home().resolve(".reviewenv/.copying").resolve(base);
        Files.createDirectories(mark.getParent());
        Files.writeString(mark, "");
        try {
            List<String> lines = reaper.reap(Instant.now(), false).reaped();
            assertTrue(lines.contains("resumed " + base + "_db_1 of " + base + ", left paused by a copy of its volumes that did not"
                    + " finish"), lines.toString());
            assertEquals("false true", Cmd.ok("docker", "inspect", "-f", "{{.State.Paused}} {{.State.Running}}", db).strip());
            assertFalse(Files.exists(mark), "the mark is gone with the pause");
            // Without the mark, a paused container is not reviewenv's doing: it is left as it is.
            Cmd.ok("docker", "pause", web);
            reaper.reap(Instant.now(), false);
            assertEquals("true", Cmd.ok("docker", "inspect", "-f", "{{.State.Paused}}", web).strip());
        } finally {
            Cmd.run(null, java.util.Map.of(), "docker", "unpause", web);
            Cmd.run(null, java.util.Map.of(), "docker", "unpause", db);
        }
    }

    @Test
    void aSeedFromABranchWithoutAnEnvironmentStartsEmptyAndSaysSo() {
        JsonPath job = Api.succeeded(push("seed/lonely", stack(1, "seed: {from: nowhere, volumes: [db]}")));
        assertTrue(job.getString("output").contains("seed: team/seed nowhere has no environment; db starts empty"),
                job.getString("output"));
        assertEquals("rows-of-main-seed/lonely", exec(container(job.getString("environment"), "db"), "cat /data/rows.txt"));
    }

    @Test
    void aPlainCopyThatWouldTakeFreeSpaceBelowTheFloorIsRefusedBeforeItStartsAndLeavesNothing() {
        String base = Api.succeeded(push("main", stack(40, SEED))).getString("environment");
        Instant before = Instant.now();
        JsonPath job = Api.awaitJob(push("seed/big", stack(40, SEED)));
        assertEquals("failed", job.getString("status"), job.getString("output"));
        String name = job.getString("environment");
        assertTrue(job.getString("output").matches("(?s).*seed: copying volume db of " + base + " \\(4\\d MiB\\) would leave \\d+ MiB free in"
                + " \\S+, below reviewenv.disk-floor=32m \\(32 MiB; \\d+ MiB free now\\); free space on the disk, or seed fewer volumes.*"),
                job.getString("output"));
        assertEquals(List.of(), Stacks.containers(name));
        assertEquals(List.of(), Stacks.volumes(name), "nothing of the refused copy is left");
        assertFalse(Api.environments().contains(name));
        assertEquals(List.of(), events(before, "label=dev.reviewenv.copier=copy", "event=start"),
                "no copy was started");
        assertEquals("false true", Cmd.ok("docker", "inspect", "-f", "{{.State.Paused}} {{.State.Running}}", container(base, "db")).strip());
    }

    static final String HOOKS = """
            after-create: {service: db, command: "echo created >> /data/hooks.log; echo hello from after-create $SEED_ROWS"}
            before-stop: {service: db, command: [sh, -c, "echo bye from before-stop"]}""";

    @Test
    void afterCreateRunsOnceAndNotOnAnUpdateAndBeforeStopRunsOnStopExpiryAndBranchDelete() throws Exception {
        JsonPath first = Api.succeeded(push("hooks/a", stack(1, HOOKS)));
        String name = first.getString("environment");
        String log = first.getString("output");
        assertTrue(log.contains("after-create | hello from after-create ******"), "its output in the job log, the variable masked: " + log);
        assertFalse(log.contains("rows-of-main"), log);
        assertTrue(log.indexOf("after-create: done") < log.indexOf("environment " + name + " is up"), log);
        Api.succeeded(push("hooks/a", stack(1, HOOKS + "\nlifetime: 2d")));
        assertEquals("created", exec(container(name, "db"), "cat /data/hooks.log"), "after-create ran once, not on the update");

        // Stop.
        String db = container(name, "db");
        Instant before = Instant.now();
        JsonPath stop = Api.succeeded(Api.stop(name));
        assertTrue(stop.getString("output").contains("before-stop | bye from before-stop"), stop.getString("output"));
        assertTrue(stop.getString("output").indexOf("before-stop: done") < stop.getString("output").indexOf("removed"));
        assertEquals(1, events(before, "container=" + db, "event=exec_start: sh -c echo bye from before-stop").size());

        // Expiry.
        String expiring = Api.succeeded(push("hooks/b", stack(1, HOOKS))).getString("environment");
        String expiringDb = container(expiring, "db");
        Files.writeString(sut.home().resolve(".reviewenv").resolve(expiring).resolve("removeat"),
                (Instant.now().getEpochSecond() - 5) + "\n");
        before = Instant.now();
        assertEquals(List.of("reaped " + expiring + " (expired)"), reaper.reap(Instant.now(), false).reaped());
        assertEquals(1, events(before, "container=" + expiringDb, "event=exec_start: sh -c echo bye from before-stop").size(),
                "before-stop ran in " + expiringDb + " before it expired");

        // Branch deleted.
        String deleted = Api.succeeded(push("hooks/c", stack(1, HOOKS))).getString("environment");
        String deletedDb = container(deleted, "db");
        before = Instant.now();
        Api.succeeded(Api.startedJob(sut.git().push("hooks/c", "--delete")));
        assertEquals(1, events(before, "container=" + deletedDb, "event=exec_start: sh -c echo bye from before-stop").size());
    }

    @Test
    void aFailingAfterCreateFailsTheFirstDeployAndLeavesNothing() {
        JsonPath job = Api.awaitJob(push("hooks/fail", stack(1, "after-create: {service: db, command: [sh, -c, 'echo failing; exit 3']}")));
        assertEquals("failed", job.getString("status"), job.getString("output"));
        String name = job.getString("environment");
        assertTrue(job.getString("output").contains("after-create | failing"), job.getString("output"));
        assertTrue(job.getString("output").contains("exited with 3; the first deploy fails"), job.getString("output"));
        assertEquals(List.of(), Stacks.containers(name));
        assertEquals(List.of(), Stacks.volumes(name));
        assertFalse(Api.environments().contains(name));
    }

    @Test
    void aHangingBeforeStopIsCutOffAtTheStopTimeoutAndTheEndingGoesOn() {
        String name = Api.succeeded(push("hooks/hang", stack(1, "before-stop: {service: db, command: [sleep, '600']}")))
                .getString("environment");
        Instant start = Instant.now();
        JsonPath stop = Api.succeeded(Api.stop(name));
        Duration took = Duration.between(start, Instant.now());
        assertTrue(stop.getString("output").contains("before-stop: cut off after 3 s (reviewenv.compose.stop-timeout); the ending goes on"),
                stop.getString("output"));
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "the ending was not held up by the hook: " + took);
        assertEquals(List.of(), Stacks.containers(name));
    }

    @Test
    void aHookOrSeedNamingWhatTheFileDoesNotHaveIsRefusedAtAdmission() {
        JsonPath job = Api.awaitJob(push("hooks/bad", stack(1, """
                after-create: {service: nope, command: [true]}
                seed: {from: main, volumes: [missing]}""")));
        assertEquals("failed", job.getString("status"));
        String out = job.getString("output");
        assertTrue(out.contains("x-reviewenv.after-create.service: 'nope' is not a service Compose runs from this file; name one of [db, web]"), out);
        assertTrue(out.contains("x-reviewenv.seed.volumes: 'missing' is not a volume this file defines; name one of [db]"), out);
        assertEquals(List.of(), Stacks.containers(job.getString("environment")));
    }
}
