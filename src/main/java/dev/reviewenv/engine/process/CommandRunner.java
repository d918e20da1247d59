package dev.reviewenv.engine.process;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs argv lists, never a shell string. The child gets a small, fixed environment (no token or
 * secret of the service leaks into it, nor into a compose file's {@code ${...}}), its output is
 * passed on line by line, and it is killed when it outlives its timeout.
 */
public class CommandRunner {
    private final Path pidDir;

    /**
     * {@code pidDir}: where each running command leaves {@code <service pid>-<pid>} (its command
     * line inside) until it ends, so that the next start of the service ends what a killed one
     * left running.
     */
    public CommandRunner(Path pidDir) {
        this.pidDir = pidDir;
    }

    /**
     * Ends the commands a previous process of the service started and left running (it was
     * killed with SIGKILL): those whose pid file is still there and whose command line is still
     * the one written in it. Returns one line for each.
     */
    public List<String> endLeftovers() {
        List<String> ended = new java.util.ArrayList<>();
        if (!java.nio.file.Files.isDirectory(pidDir)) {
            return ended;
        }
        try (var files = java.nio.file.Files.list(pidDir)) {
            for (Path f : files.toList()) {
                String[] owned = f.getFileName().toString().split("-", 2);
                if (ProcessHandle.of(Long.parseLong(owned[0])).isPresent()) {
                    continue; // its service (or one-shot reaper) still runs and ends it itself
                }
                String[] lines = java.nio.file.Files.readString(f, StandardCharsets.UTF_8).split("\n", 2);
                String started = lines.length == 2 ? lines[0] : "";
                String recorded = lines.length == 2 ? lines[1] : lines[0];
                long pid = Long.parseLong(owned[1]);
                Optional<ProcessHandle> alive = ProcessHandle.of(pid);
                if (alive.isPresent() && sameProcess(alive.get(), started, recorded)) {
                    List<ProcessHandle> tree = new java.util.ArrayList<>(alive.get().descendants().toList());
                    tree.add(alive.get());
                    tree.forEach(ProcessHandle::destroyForcibly);
                    ended.add("ended " + recorded + " (pid " + pid + "), left running by a service that was killed");
                } else if (alive.isPresent()) {
                    ended.add("left pid " + pid + " alone: it is not the command a killed service left (" + recorded
                            + ", started " + started + "), its pid was taken again");
                }
                java.nio.file.Files.deleteIfExists(f);
            }
        } catch (IOException | NumberFormatException e) {
            ended.add("could not look at " + pidDir + ": " + e.getMessage());
        }
        return ended;
    }
    /** Variables passed on from the service's own environment; everything else is withheld. */
    private static final List<String> PASSED_ON = List.of("PATH", "HOME", "LANG", "DOCKER_HOST", "DOCKER_CONFIG", "TMPDIR");
    private static final int TAIL_LINES = 40;

    /** What a command did: its exit code and the last lines it printed. */
    public record Result(int exitCode, boolean timedOut, List<String> tail) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        public String tailText() {
            return String.join("\n", tail);
        }
    }

    /** What a command printed on its standard output (at most the bytes asked for), and how it ended. */
    public record Captured(Result result, byte[] stdout, boolean truncated) {
    }

    /** The thread running a command was interrupted (the service is stopping); the command and its children were ended. */
    public static class Interrupted extends RuntimeException {
        Interrupted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Ends a command and everything it started (Compose v2 runs as a plugin child of the docker
     * CLI): SIGTERM first, SIGKILL to what is left after a grace period. Waits for them to exit.
     */
    static void end(Process process) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            try {
                h.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a process the kernel does not let go of; nothing more to do from here
            }
        }
    }

    public Result run(List<String> argv, Path workDir, Map<String, String> extraEnv, Duration timeout, Consumer<String> lines) {
        return start(argv, workDir, extraEnv, timeout, lines, -1).result();
    }

    /**
     * {@link #run} that throws what {@code failure} makes of the message when the command outlives
     * its timeout ("{@code what} did not finish within N s and was killed") or exits non-zero
     * ("{@code what} failed (exit N):" and the last lines it printed).
     */
    public Result runOrThrow(String what, List<String> argv, Map<String, String> extraEnv, Duration timeout, Consumer<String> lines,
            Function<String, ? extends RuntimeException> failure) {
        Result r = run(argv, null, extraEnv, timeout, lines);
        if (r.timedOut()) {
            throw failure.apply(what + " did not finish within " + timeout.toSeconds() + " s and was killed");
        }
        if (!r.ok()) {
            throw failure.apply(what + " failed (exit " + r.exitCode() + "):\n" + r.tailText());
        }
        return r;
    }

    /**
     * Runs {@code argv} keeping its standard output apart (up to {@code maxStdout} bytes; more
     * kills the command), while its standard error goes to {@code lines} as {@link #run} does.
     */
    public Captured capture(List<String> argv, Path workDir, Map<String, String> extraEnv, Duration timeout, int maxStdout,
            Consumer<String> lines) {
        return start(argv, workDir, extraEnv, timeout, lines, maxStdout);
    }

    private Captured start(List<String> argv, Path workDir, Map<String, String> extraEnv, Duration timeout, Consumer<String> lines,
            int maxStdout) {
        boolean capture = maxStdout >= 0;
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(!capture);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Map<String, String> env = pb.environment();
        Map<String, String> own = Map.copyOf(env);
        env.clear();
        for (String key : PASSED_ON) {
            if (own.containsKey(key)) {
                env.put(key, own.get(key));
            }
        }
        env.putAll(extraEnv);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
        Path pidFile = remember(process);
        try {
            return wait(process, argv, timeout, lines, maxStdout, capture);
        } finally {
            forget(pidFile);
        }
    }

    /**
     * Whether the process is the one a pid file names: by its start in clock ticks since boot, as
     * the kernel gives it ({@code proc <ticks>}); by the start Java computed (epoch milliseconds,
     * pid files of an older service); else by its command line (the oldest, one-line files).
     */
    private static boolean sameProcess(ProcessHandle h, String started, String recorded) {
        if (started.startsWith(PROC_START)) {
            return startTicks(h.pid()).map(t -> (PROC_START + t).equals(started)).orElse(false);
        }
        if (!started.isEmpty()) {
            return h.info().startInstant().map(i -> Long.toString(i.toEpochMilli()).equals(started)).orElse(false);
        }
        return h.info().commandLine().map(c -> c.equals(recorded)).orElse(false);
    }

    private static final String PROC_START = "proc ";

    /** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks after boot (exec does not change it). */
    static Optional<String> startTicks(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return after.length > 19 ? Optional.of(after[19]) : Optional.empty();
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    private Path remember(Process process) {
        try {
            java.nio.file.Files.createDirectories(pidDir);
            Path f = pidDir.resolve(ProcessHandle.current().pid() + "-" + process.pid());
            // The start names the process for good (a pid is reused; the command line read this early may still be
            // Java's spawn helper's, before it execs the command): the first line, then the command line.
            String start = startTicks(process.pid()).map(t -> PROC_START + t)
                    .orElseGet(() -> process.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse(""));
            java.nio.file.Files.writeString(f, start + "\n" + process.info().commandLine().orElse(""), StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            return null; // only the clean-up after a SIGKILL needs it
        }
    }

    private static void forget(Path pidFile) {
        try {
            if (pidFile != null) {
                java.nio.file.Files.deleteIfExists(pidFile);
            }
        } catch (IOException ignored) {
            // a stale pid file is checked against the command line before anything is ended
        }
    }

    private Captured wait(Process process, List<String> argv, Duration timeout, Consumer<String> lines, int maxStdout,
            boolean capture) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child reads no input; a failed close changes nothing
        }
        Deque<String> tail = new ArrayDeque<>();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        boolean[] truncated = {false};
        Thread collector = null;
        if (capture) {
            collector = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = process.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        if (stdout.size() + n > maxStdout) {
                            truncated[0] = true;
                            process.destroyForcibly();
                            return;
                        }
                        stdout.write(buf, 0, n);
                    }
                } catch (IOException ignored) {
                    // the process was killed; what was read is kept
                }
            }, "stdout of " + argv.get(0));
            collector.setDaemon(true);
            collector.start();
        }
        InputStream text = capture ? process.getErrorStream() : process.getInputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(text, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    try {
                        lines.accept(line);
                    } catch (RuntimeException lost) {
                        // whoever reads the lines failed (a log store that is down): the pipe is drained all the same
                    }
                }
            } catch (IOException ignored) {
                // the process was killed; what was read is kept
            }
        }, "output of " + argv.get(0));
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                end(process);
            }
            reader.join(5000);
            if (collector != null) {
                collector.join(5000);
            }
        } catch (InterruptedException e) {
            end(process);
            Thread.currentThread().interrupt();
            throw new Interrupted("interrupted while running " + String.join(" ", argv.subList(0, Math.min(2, argv.size())))
                    + "; it was stopped", e);
        }
        synchronized (tail) {
            Result result = new Result(finished ? process.exitValue() : -1, !finished, List.copyOf(tail));
            return new Captured(result, stdout.toByteArray(), truncated[0]);
        }
    }
}
