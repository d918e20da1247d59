package dev.reviewenv.engine.compose;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the argv of every Compose call, for v2 ({@code docker compose}) and v1
 * ({@code docker-compose}). It never runs anything; {@link ComposeCli} does. Every call names
 * its project, its file and an {@code --env-file} of reviewenv's own, so a {@code .env} in the
 * checkout never steers Compose (not its project, files, profiles, nor {@code DOCKER_HOST}).
 */
public record ComposeCommands(List<String> command, Flavor flavor) {

    public enum Flavor { V1, V2 }

    public static final List<String> V2 = List.of("docker", "compose");
    public static final List<String> V1 = List.of("docker-compose");

    public ComposeCommands {
        command = List.copyOf(command);
    }

    public static ComposeCommands of(List<String> command) {
        return new ComposeCommands(command, command.equals(V2) ? Flavor.V2 : Flavor.V1);
    }

    public List<String> version() {
        List<String> argv = new ArrayList<>(command);
        argv.add("version");
        return argv;
    }

    /**
     * Prints the model as Compose resolves it (interpolation, {@code include}, {@code extends},
     * profiles, type coercion): JSON from v2, YAML from v1. Creates nothing.
     */
    public List<String> resolve(String project, Path file, Path projectDir, Path envFile) {
        List<String> argv = base(project, file, projectDir, envFile);
        argv.add("config");
        if (flavor == Flavor.V2) {
            argv.addAll(List.of("--format", "json"));
        }
        return argv;
    }

    /**
     * Starts everything and removes services no longer in the file; a container an update replaces
     * gets {@code stopTimeout} to stop. Compose builds nothing: reviewenv built every image the file
     * builds before, in its sandbox, and tagged it as the service's {@code image:}.
     */
    public List<String> up(String project, Path file, Path projectDir, Path envFile, Duration stopTimeout) {
        List<String> up = base(project, file, projectDir, envFile);
        up.addAll(List.of("up", "-d", "--no-build", "--remove-orphans", "-t", Long.toString(stopTimeout.toSeconds())));
        return up;
    }

    /**
     * Removes containers, networks, named and anonymous volumes and orphans, giving each
     * container {@code stopTimeout} to stop (whatever its {@code stop_grace_period}). Images are
     * not Compose's to remove ({@code --rmi} would take images that were on the host before): the
     * teardown removes those the environment owns, one by one.
     */
    public List<String> down(String project, Path file, Path projectDir, Path envFile, Duration stopTimeout) {
        List<String> argv = base(project, file, projectDir, envFile);
        argv.addAll(List.of("down", "--volumes", "--remove-orphans", "-t", Long.toString(stopTimeout.toSeconds())));
        return argv;
    }

    /** Removes the project's containers and networks (orphans too) and keeps its volumes. */
    public List<String> downKeepingVolumes(String project, Path file, Path projectDir, Path envFile, Duration stopTimeout) {
        List<String> argv = base(project, file, projectDir, envFile);
        argv.addAll(List.of("down", "--remove-orphans", "-t", Long.toString(stopTimeout.toSeconds())));
        return argv;
    }

    /** Stops the project's containers, keeping them, their volumes and images (an environment put to sleep). */
    public List<String> stop(String project, Path file, Path projectDir, Path envFile, Duration stopTimeout) {
        List<String> argv = base(project, file, projectDir, envFile);
        argv.addAll(List.of("stop", "-t", Long.toString(stopTimeout.toSeconds())));
        return argv;
    }

    /** Starts the project's stopped containers again, as they were (a sleeping environment woken). */
    public List<String> start(String project, Path file, Path projectDir, Path envFile) {
        List<String> argv = base(project, file, projectDir, envFile);
        argv.add("start");
        return argv;
    }

    private List<String> base(String project, Path file, Path projectDir, Path envFile) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("--ansi", "never"));
        if (flavor == Flavor.V2) {
            argv.addAll(List.of("--progress", "plain"));
        }
        argv.addAll(List.of("--env-file", envFile.toString(), "-p", project, "-f", file.toString()));
        if (projectDir != null) {
            argv.addAll(List.of("--project-directory", projectDir.toString()));
        }
        return argv;
    }
}
