package dev.reviewenv.engine.process;

import java.io.BufferedReader;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs argv lists, never a shell string. The child gets a small, fixed environment (no token or
 * secret of the service leaks into it, nor into a compose file's {@code ${...}}), its output is
 * passed on line by line, and it is killed when it outlives its timeout.
 */
public class CommandRunner {
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

    public Result run(List<String> argv, Path workDir, Map<String, String> extraEnv, Duration timeout, Consumer<String> lines) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
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
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child reads no input; a failed close changes nothing
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    lines.accept(line);
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
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
        synchronized (tail) {
            return new Result(finished ? process.exitValue() : -1, !finished, List.copyOf(tail));
        }
    }
}
