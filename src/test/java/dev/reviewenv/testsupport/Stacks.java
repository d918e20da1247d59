package dev.reviewenv.testsupport;

import java.util.List;
import java.util.Map;

/** Reads what Docker holds for a compose project, by label only. */
public final class Stacks {
    private Stacks() {
    }

    public static List<String> containers(String project) {
        return Cmd.lines(Cmd.ok("docker", "ps", "-a", "--filter", "label=com.docker.compose.project=" + project,
                "--format", "{{.Names}}"));
    }

    public static List<String> volumes(String project) {
        return Cmd.lines(Cmd.ok("docker", "volume", "ls", "-q", "--filter", "label=com.docker.compose.project=" + project));
    }

    public static List<String> networks(String project) {
        return Cmd.lines(Cmd.ok("docker", "network", "ls", "-q", "--filter", "label=com.docker.compose.project=" + project));
    }

    /** Images named after the project, as Compose names the images it builds (v2: name-web, v1: name_web). */
    public static List<String> builtImages(String project) {
        return Cmd.lines(Cmd.ok("docker", "images", "--format", "{{.Repository}}:{{.Tag}}")).stream()
                .filter(i -> i.startsWith(project + "-") || i.startsWith(project + "_")).toList();
    }

    public static String label(String container, String label) {
        return Cmd.ok("docker", "inspect", "-f", "{{ index .Config.Labels \"" + label + "\" }}", container).trim();
    }

    /** Everything the project left, one line each; empty when nothing is left. */
    public static List<String> leftovers(String project) {
        return java.util.stream.Stream.of(
                containers(project).stream().map(c -> "container " + c),
                volumes(project).stream().map(v -> "volume " + v),
                networks(project).stream().map(n -> "network " + n),
                builtImages(project).stream().map(i -> "image " + i)).flatMap(s -> s).toList();
    }

}
