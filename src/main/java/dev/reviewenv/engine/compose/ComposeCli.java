package dev.reviewenv.engine.compose;

import dev.reviewenv.engine.process.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs Compose (v2 or v1, as detected at start) for one project at a time, always with
 * reviewenv's own env file ({@code envFile}, empty) unless a call names another.
 */
public class ComposeCli {
    /** How long Compose may take to read a file; reading never needs the network. */
    private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(60);
    /** Largest resolved model accepted from Compose. */
    private static final int MAX_RESOLVED = 4 << 20;

    private final ComposeCommands commands;
    private final CommandRunner runner;
    private final Duration timeout;
    private final Duration stopTimeout;
    private final Path envFile;
    /**
     * Compose v2 names containers {@code <project>-<service>-<n>}, which two environments can spell
     * alike ({@code sq} with {@code b-web}, {@code sq-b} with {@code web}); in its compatibility
     * mode it names them as v1 does, {@code <project>_<service>_<n>}, and an environment name holds
     * no {@code _}. Nothing else of that mode changes what reviewenv renders.
     */
    private final Map<String, String> env;

    public ComposeCli(ComposeCommands commands, CommandRunner runner, Duration timeout, Duration stopTimeout, Path envFile) {
        this.commands = commands;
        this.runner = runner;
        this.timeout = timeout;
        this.stopTimeout = stopTimeout;
        this.envFile = envFile;
        this.env = commands.flavor() == ComposeCommands.Flavor.V2 ? Map.of("COMPOSE_COMPATIBILITY", "true") : Map.of();
    }

    public ComposeCommands.Flavor flavor() {
        return commands.flavor();
    }

    /**
     * The Compose to use: the configured one, or v2 when {@code docker compose version} works,
     * else v1. Fails with the next step when neither is installed.
     */
    public static ComposeCommands detect(CommandRunner runner, java.util.Optional<List<String>> configured) {
        if (configured.isPresent()) {
            ComposeCommands c = ComposeCommands.of(configured.get());
            requireWorking(runner, c);
            return c;
        }
        for (List<String> candidate : List.of(ComposeCommands.V2, ComposeCommands.V1)) {
            ComposeCommands c = ComposeCommands.of(candidate);
            if (works(runner, c)) {
                return c;
            }
        }
        throw new IllegalStateException("neither 'docker compose' (v2) nor 'docker-compose' (v1) runs here;"
                + " install one (deploy/host-deps.sh installs both) or set reviewenv.compose.command");
    }

    private static boolean works(CommandRunner runner, ComposeCommands c) {
        try {
            return runner.run(c.version(), null, Map.of(), Duration.ofSeconds(20), line -> { }).ok();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void requireWorking(CommandRunner runner, ComposeCommands c) {
        if (!works(runner, c)) {
            throw new IllegalStateException("reviewenv.compose.command: '" + String.join(" ", c.command())
                    + " version' fails; install it or leave the key unset to detect Compose");
        }
    }

    /**
     * The model of {@code file} as Compose resolves it, as text (JSON for v2, YAML for v1). Its
     * variables are {@code variables} (given to Compose in its environment, never in a file or on
     * its command line, so they win over {@code dotEnv} and need no quoting) and {@code dotEnv}
     * (reviewenv's empty env file when absent), besides the small fixed environment.
     */
    public String resolve(String project, Path file, Path projectDir, Optional<Path> dotEnv, Map<String, String> variables,
            Consumer<String> out) {
        List<String> argv = commands.resolve(project, file, projectDir, dotEnv.orElse(envFile));
        out.accept("$ " + String.join(" ", argv));
        Map<String, String> withVariables = new java.util.HashMap<>(variables);
        withVariables.putAll(env);
        CommandRunner.Captured c = runner.capture(argv, null, withVariables, RESOLVE_TIMEOUT, MAX_RESOLVED, out);
        if (c.truncated()) {
            throw new ComposeException("compose config printed more than " + MAX_RESOLVED + " bytes; the file is too big to review");
        }
        if (c.result().timedOut()) {
            throw new ComposeException("compose config did not finish within " + RESOLVE_TIMEOUT.toSeconds() + " s and was killed");
        }
        if (!c.result().ok()) {
            throw new ComposeException("compose config failed (exit " + c.result().exitCode() + "):\n" + c.result().tailText());
        }
        return new String(c.stdout(), StandardCharsets.UTF_8);
    }

    public void up(String project, Path file, Path projectDir, Consumer<String> out) {
        run("up", commands.up(project, file, projectDir, envFile, stopTimeout), out);
    }

    public void down(String project, Path file, Path projectDir, Consumer<String> out) {
        run("down", commands.down(project, file, projectDir, envFile, stopTimeout), out);
    }

    /** Removes the project's containers and networks, keeping its volumes. */
    public void downKeepingVolumes(String project, Path file, Path projectDir, Consumer<String> out) {
        run("down", commands.downKeepingVolumes(project, file, projectDir, envFile, stopTimeout), out);
    }

    public void stop(String project, Path file, Path projectDir, Consumer<String> out) {
        run("stop", commands.stop(project, file, projectDir, envFile, stopTimeout), out);
    }

    public void start(String project, Path file, Path projectDir, Consumer<String> out) {
        run("start", commands.start(project, file, projectDir, envFile), out);
    }

    private void run(String verb, List<String> argv, Consumer<String> out) {
        out.accept("$ " + String.join(" ", argv));
        runner.runOrThrow("compose " + verb, argv, env, timeout, out, ComposeException::new);
    }
}
