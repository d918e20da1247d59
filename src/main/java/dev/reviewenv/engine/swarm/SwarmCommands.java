package dev.reviewenv.engine.swarm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the argv of every {@code docker} call the swarm engine makes (it runs nothing; {@link
 * SwarmStacks} and {@link NodeJanitor} do). Each takes fixed words of reviewenv's and names it
 * validated, never a shell string, so what reviewenv does is what an operator would type.
 */
final class SwarmCommands {
    private SwarmCommands() {
    }

    /** Pushes an image reviewenv built to the registry the nodes pull from. */
    static List<String> push(String image) {
        return List.of("docker", "push", image);
    }

    /**
     * Deploys the recorded file as the stack, removing services it no longer has; images are the
     * file's exact references (no digest lookup), with the registry's login passed to the nodes.
     */
    static List<String> deploy(Path file, String stack) {
        return List.of("docker", "stack", "deploy", "--prune", "--resolve-image", "never", "--with-registry-auth", "-c",
                file.toString(), stack);
    }

    /** Removes the stack's services and networks. */
    static List<String> remove(String stack) {
        return List.of("docker", "stack", "rm", stack);
    }

    /** Sets the replicas of each service, without waiting for the tasks; empty when there is none to scale. */
    static List<String> scale(Map<String, Long> replicas) {
        if (replicas.isEmpty()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(List.of("docker", "service", "scale", "--detach"));
        replicas.forEach((service, n) -> argv.add(service + "=" + n));
        return argv;
    }

    /** Asks Swarm to place a service's tasks anew, changing nothing else. */
    static List<String> reschedule(String service) {
        return List.of("docker", "service", "update", "--detach", "--force", service);
    }

    /**
     * A job of one task on every node that is up ({@code global-job}), run once, with that node's
     * Docker socket and {@code image} (the {@code docker} CLI alone) given {@code arguments}.
     */
    static List<String> everyNode(String service, String label, String image, List<String> arguments) {
        List<String> argv = new ArrayList<>(List.of("docker", "service", "create", "--detach", "--quiet", "--mode", "global-job",
                "--name", service, "--label", label, "--restart-condition", "none", "--with-registry-auth",
                "--mount", "type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock", image));
        argv.addAll(arguments);
        return argv;
    }

    /** Removes one service (a janitor job once it ran). */
    static List<String> removeService(String service) {
        return List.of("docker", "service", "rm", service);
    }

    /** Builds the image of a directory's Dockerfile, printing only its id. */
    static List<String> build(String image, Path dir) {
        return List.of("docker", "build", "--quiet", "-t", image, dir.toString());
    }

    /** The libraries a binary loads, as the dynamic loader finds them. */
    static List<String> libraries(Path binary) {
        return List.of("ldd", binary.toString());
    }

    /** What {@code docker} runs on every node to remove what an environment left there (its label's value). */
    static List<String> pruneEnvironment(String label, String environment) {
        return List.of("system", "prune", "--all", "--volumes", "--force", "--filter", "label=" + label + "=" + environment);
    }

    /** What {@code docker} runs on every node to remove images (never forced: one in use stays). */
    static List<String> removeImages(List<String> images) {
        List<String> argv = new ArrayList<>(List.of("image", "rm", "--"));
        argv.addAll(images);
        return argv;
    }
}
