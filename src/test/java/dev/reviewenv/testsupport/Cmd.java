package dev.reviewenv.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command for a test and fails loudly, with its output, when it fails. */
public final class Cmd {
    private Cmd() {
    }

    public record Out(int code, String text) {
    }

    public static Out run(Path dir, Map<String, String> env, String... argv) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", argv));
            }
            return new Out(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs and requires exit code 0; returns the output. */
    public static String ok(Path dir, Map<String, String> env, String... argv) {
        Out o = run(dir, env, argv);
        if (o.code() != 0) {
            throw new AssertionError("`" + String.join(" ", argv) + "` exited " + o.code() + ":\n" + o.text());
        }
        return o.text();
    }

    public static String ok(String... argv) {
        return ok(null, Map.of(), argv);
    }

    /** Ends a process the tests started: SIGTERM, up to 10 s to exit, then SIGKILL; returns once it has exited. */
    public static void end(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }
}
