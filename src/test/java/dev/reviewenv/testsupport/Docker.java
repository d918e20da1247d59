package dev.reviewenv.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** What the Docker engine holds, as {@code docker inspect} shows it: the verdict of a test. */
public final class Docker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Docker() {
    }

    /** {@code docker inspect} of every container (running or not) that matches the label filter. */
    public static List<JsonNode> containers(String labelFilter) {
        List<String> ids = Cmd.lines(Cmd.ok("docker", "ps", "-a", "-q", "--filter", "label=" + labelFilter));
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(List.of("docker", "inspect"));
        argv.addAll(ids);
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(Cmd.ok(argv.toArray(String[]::new))).forEach(out::add);
            return out;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The containers of an environment, by reviewenv's label. */
    public static List<JsonNode> environment(String name) {
        return containers("dev.reviewenv.environment=" + name);
    }

    /** The id an image reference names now, or empty when there is none. */
    public static String imageId(String ref) {
        Cmd.Out o = Cmd.run(null, java.util.Map.of(), "docker", "image", "inspect", "-f", "{{.Id}}", ref);
        return o.code() == 0 ? o.text().trim() : "";
    }
}
