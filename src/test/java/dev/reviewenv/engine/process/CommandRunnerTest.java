package dev.reviewenv.engine.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's contract with real processes: argv only, a withheld environment, timeouts that kill, failures with their tail. */
class CommandRunnerTest {
    @TempDir
    Path pids;

    @Test
    void aCommandGetsTheFixedEnvironmentAndItsLinesComeOneByOne() {
        CommandRunner runner = new CommandRunner(pids);
        List<String> lines = new ArrayList<>();
        CommandRunner.Result r = runner.run(List.of("sh", "-c", "echo one; echo two >&2; env"), null, Map.of("EXTRA", "x"),
                Duration.ofSeconds(10), lines::add);
        assertTrue(r.ok());
        assertEquals("one", lines.get(0));
        assertTrue(lines.contains("two"), "standard error is passed on too");
        assertTrue(lines.contains("EXTRA=x"));
        // Only what is passed on by name reaches a child: never a token of the service's own environment.
        for (String line : lines.subList(2, lines.size())) {
            String key = line.split("=", 2)[0];
            assertTrue(List.of("PATH", "HOME", "LANG", "DOCKER_HOST", "DOCKER_CONFIG", "TMPDIR", "EXTRA", "PWD", "SHLVL", "_")
                    .contains(key), line);
        }
        assertEquals(List.of(), listing(), "no pid file is left once it ended");
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledWithWhatItStarted() throws Exception {
        CommandRunner runner = new CommandRunner(pids);
        Path marker = pids.resolve("child.pid");
        long started = System.nanoTime();
        CommandRunner.Result r = runner.run(List.of("sh", "-c", "sleep 60 & echo $! > " + marker + "; wait"), null, Map.of(),
                Duration.ofMillis(500), line -> { });
        assertTrue(r.timedOut());
        assertFalse(r.ok());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(30)) < 0);
        long child = Long.parseLong(Files.readString(marker, StandardCharsets.UTF_8).strip());
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "its child was ended with it");
    }

    @Test
    void runOrThrowSaysWhatFailedWithTheExitAndTheLastLinesOrThatItWasKilled() {
        CommandRunner runner = new CommandRunner(pids);
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> runner.runOrThrow("docker push",
                List.of("sh", "-c", "echo denied: no such repository; exit 3"), Map.of(), Duration.ofSeconds(10), line -> { },
                IllegalStateException::new));
        assertEquals("docker push failed (exit 3):\ndenied: no such repository", failed.getMessage());
        IllegalArgumentException killed = assertThrows(IllegalArgumentException.class, () -> runner.runOrThrow("compose up",
                List.of("sleep", "30"), Map.of(), Duration.ofMillis(300), line -> { }, IllegalArgumentException::new));
        assertEquals("compose up did not finish within 0 s and was killed", killed.getMessage());
        assertTrue(runner.runOrThrow("true", List.of("true"), Map.of(), Duration.ofSeconds(10), line -> { },
                IllegalStateException::new).ok());
    }

    @Test
    void captureKeepsStandardOutputApartAndKillsWhatPrintsMoreThanAsked() {
        CommandRunner runner = new CommandRunner(pids);
        List<String> lines = new ArrayList<>();
        CommandRunner.Captured c = runner.capture(List.of("sh", "-c", "printf data; echo note >&2"), null, Map.of(),
                Duration.ofSeconds(10), 64, lines::add);
        assertEquals("data", new String(c.stdout(), StandardCharsets.UTF_8));
        assertEquals(List.of("note"), lines);
        CommandRunner.Captured flood = runner.capture(List.of("sh", "-c", "yes"), null, Map.of(), Duration.ofSeconds(10), 1024,
                line -> { });
        assertTrue(flood.truncated());
        assertFalse(flood.result().ok());
    }

    @Test
    void whatAKilledServiceLeftRunningIsEndedAtTheNextStart() throws Exception {
        Process left = new ProcessBuilder("sleep", "60").start();
        try {
            // A pid file as a service that was killed leaves it: a service pid that no longer runs, the command's line.
            Files.writeString(pids.resolve("999999999-" + left.pid()), left.info().commandLine().orElseThrow(), StandardCharsets.UTF_8);
            List<String> ended = new CommandRunner(pids).endLeftovers();
            assertEquals(1, ended.size(), ended.toString());
            assertTrue(left.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the leftover was ended");
            assertEquals(List.of(), listing());
        } finally {
            left.destroyForcibly();
            left.waitFor();
        }
    }

    @Test
    void aCommandIsKnownByTheStartThePidFileGivesAndAPidTakenAgainIsLeftAlone() throws Exception {
        Path dir = pids.resolve("running");
        CommandRunner runner = new CommandRunner(dir);
        var running = java.util.concurrent.CompletableFuture.supplyAsync(() -> runner.run(List.of("sleep", "60"), null, Map.of(),
                Duration.ofSeconds(90), line -> { }));
        Path file = null;
        for (int i = 0; i < 200 && file == null; i++) {
            Thread.sleep(25);
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    file = files.findFirst().orElse(null);
                }
            }
        }
        assertTrue(file != null, "the running command has its pid file");
        String written = Files.readString(file, StandardCharsets.UTF_8);
        long pid = Long.parseLong(file.getFileName().toString().split("-")[1]);
        assertTrue(written.startsWith("proc " + CommandRunner.startTicks(pid).orElseThrow() + "\n"), written);
        // The same file, as a service that was killed would have left it; and one naming the same pid with another start.
        Path stranger = pids.resolve("left");
        Files.createDirectories(stranger);
        Files.writeString(stranger.resolve("999999999-" + pid), "proc 1\nsleep 60", StandardCharsets.UTF_8);
        assertEquals(List.of("left pid " + pid + " alone: it is not the command a killed service left (sleep 60, started proc 1),"
                + " its pid was taken again"), new CommandRunner(stranger).endLeftovers());
        assertFalse(running.isDone(), "a process that is not the one named is not ended");
        Files.writeString(stranger.resolve("999999999-" + pid), written, StandardCharsets.UTF_8);
        List<String> ended = new CommandRunner(stranger).endLeftovers();
        assertEquals(1, ended.size(), ended.toString());
        assertFalse(running.get(30, java.util.concurrent.TimeUnit.SECONDS).ok(), "the command was ended");
    }

    private List<Path> listing() {
        try (var files = Files.list(pids)) {
            return files.filter(f -> !f.getFileName().toString().equals("child.pid")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
