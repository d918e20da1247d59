package dev.reviewenv.testsupport;

import java.util.List;
import java.util.Map;

/**
 * Reads what Docker holds for a compose project or a swarm stack of that name, by label only: Compose
 * labels its objects with {@code com.docker.compose.project}, {@code docker stack deploy} with
 * {@code com.docker.stack.namespace}.
 */
public final class Stacks {
    private Stacks() {
    }

    private static final List<String> PROJECT_LABELS = List.of("com.docker.compose.project", "com.docker.stack.namespace",
            "dev.reviewenv.environment");

    public static List<String> containers(String project) {
        return byLabel(project, "ps", "-a", "--format", "{{.Names}}");
    }

    public static List<String> volumes(String project) {
        return byLabel(project, "volume", "ls", "-q");
    }

    public static List<String> networks(String project) {
        return byLabel(project, "network", "ls", "-q");
    }

    /** The services of the swarm stack {@code project} (none when this engine is in no swarm). */
    public static List<String> services(String project) {
        Cmd.Out out = Cmd.run(null, Map.of(), "docker", "service", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + project);
        return out.code() == 0 ? Cmd.lines(out.text()) : List.of();
    }

    private static List<String> byLabel(String project, String... command) {
        java.util.Set<String> found = new java.util.LinkedHashSet<>();
        for (String label : PROJECT_LABELS) {
            List<String> argv = new java.util.ArrayList<>(List.of("docker"));
            argv.addAll(List.of(command));
            argv.addAll(List.of("--filter", "label=" + label + "=" + project));
            found.addAll(Cmd.lines(Cmd.ok(argv.toArray(String[]::new))));
        }
        return List.copyOf(found);
    }

    /**
     * Images named after the project: as reviewenv names its builds ({@code name/web:commit}), or as
     * Compose and older deploys did ({@code name-web}, {@code name_web}), in a registry or not.
     */
    public static List<String> builtImages(String project) {
        return Cmd.lines(Cmd.ok("docker", "images", "--format", "{{.Repository}}:{{.Tag}}")).stream()
                .filter(i -> {
                    String local = i.replaceFirst("^[^/]*[:.][^/]*/", "");
                    return local.startsWith(project + "/") || local.startsWith(project + "-") || i.startsWith(project + "_");
                }).toList();
    }

    /** Removes whatever carries the environment's label, or is named as its builds are: what a failed test left. */
    public static void removeEverythingOf(String name) {
        Map<String, String> none = Map.of();
        for (String c : containers(name)) {
            Cmd.run(null, none, "docker", "rm", "-f", "-v", c);
        }
        for (String n : networks(name)) {
            for (String c : Cmd.lines(Cmd.run(null, none, "docker", "ps", "-aq", "--filter", "network=" + n).text())) {
                Cmd.run(null, none, "docker", "network", "disconnect", "-f", n, c);
            }
            Cmd.run(null, none, "docker", "network", "rm", n);
        }
        for (String v : volumes(name)) {
            Cmd.run(null, none, "docker", "volume", "rm", "-f", v);
        }
        for (String i : builtImages(name)) {
            Cmd.run(null, none, "docker", "rmi", "-f", i);
        }
    }

    public static String label(String container, String label) {
        return Cmd.ok("docker", "inspect", "-f", "{{ index .Config.Labels \"" + label + "\" }}", container).trim();
    }

    /** Everything the project left, one line each; empty when nothing is left. */
    public static List<String> leftovers(String project) {
        return java.util.stream.Stream.of(
                services(project).stream().map(s -> "service " + s),
                containers(project).stream().map(c -> "container " + c),
                volumes(project).stream().map(v -> "volume " + v),
                networks(project).stream().map(n -> "network " + n),
                builtImages(project).stream().map(i -> "image " + i)).flatMap(s -> s).toList();
    }

    /** The repositories' build caches (volumes labelled {@code dev.reviewenv.build-cache}) there are now. */
    public static java.util.Set<String> buildCaches() {
        return new java.util.HashSet<>(Cmd.lines(Cmd.run(null, Map.of(), "docker", "volume", "ls", "-q", "--filter",
                "label=dev.reviewenv.build-cache").text()));
    }

    /** Removes the build caches made since {@code before} was taken (a test's builds made them). */
    public static void removeBuildCachesSince(java.util.Set<String> before) {
        for (String v : buildCaches()) {
            if (!before.contains(v)) {
                Cmd.run(null, Map.of(), "docker", "volume", "rm", "-f", v);
            }
        }
    }
}
