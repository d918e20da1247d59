package dev.reviewenv.engine.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact argv of every swarm command: what an operator would type, and nothing a branch can steer. */
class SwarmCommandsTest {
    static final Path FILE = Path.of("/home/d/.reviewenv/feature-x/docker-compose.yml");

    @Test
    void aDeployPrunesWhatTheFileNoLongerHasAndResolvesNoImage() {
        assertEquals(List.of("docker", "stack", "deploy", "--prune", "--resolve-image", "never", "--with-registry-auth", "-c",
                FILE.toString(), "feature-x"), SwarmCommands.deploy(FILE, "feature-x"));
        assertEquals(List.of("docker", "push", "127.0.0.1:5000/reviews/feature-x-web:abc"),
                SwarmCommands.push("127.0.0.1:5000/reviews/feature-x-web:abc"));
        assertEquals(List.of("docker", "stack", "rm", "feature-x"), SwarmCommands.remove("feature-x"));
    }

    @Test
    void aScaleNamesEachServiceWithItsReplicasInOrderAndNothingWhenThereIsNone() {
        Map<String, Long> replicas = new LinkedHashMap<>();
        replicas.put("feature-x_web", 2L);
        replicas.put("feature-x_db", 0L);
        assertEquals(List.of("docker", "service", "scale", "--detach", "feature-x_web=2", "feature-x_db=0"),
                SwarmCommands.scale(replicas));
        assertEquals(List.of(), SwarmCommands.scale(Map.of()));
        assertEquals(List.of("docker", "service", "update", "--detach", "--force", "feature-x_web"),
                SwarmCommands.reschedule("feature-x_web"));
    }

    @Test
    void theJanitorRunsOnceOnEveryNodeWithTheNodesSocketAndFixedArguments() {
        List<String> prune = SwarmCommands.pruneEnvironment("dev.reviewenv.environment", "feature-x");
        assertEquals(List.of("system", "prune", "--all", "--volumes", "--force", "--filter",
                "label=dev.reviewenv.environment=feature-x"), prune);
        assertEquals(List.of("docker", "service", "create", "--detach", "--quiet", "--mode", "global-job", "--name", "janitor-1",
                "--label", "dev.reviewenv.janitor=removed", "--restart-condition", "none", "--with-registry-auth", "--mount",
                "type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock", "reg/reviewenv-janitor:0a1b", "system",
                "prune", "--all", "--volumes", "--force", "--filter", "label=dev.reviewenv.environment=feature-x"),
                SwarmCommands.everyNode("janitor-1", "dev.reviewenv.janitor=removed", "reg/reviewenv-janitor:0a1b", prune));
        assertEquals(List.of("docker", "service", "rm", "janitor-1"), SwarmCommands.removeService("janitor-1"));
        // "--" ends the options: an image reference can never be read as one.
        assertEquals(List.of("image", "rm", "--", "a:1", "b:2"), SwarmCommands.removeImages(List.of("a:1", "b:2")));
    }

    @Test
    void theJanitorsImageIsBuiltFromADirectoryOfReviewenvsOwn() {
        assertEquals(List.of("docker", "build", "--quiet", "-t", "reg/reviewenv-janitor:0a1b", "/tmp/j"),
                SwarmCommands.build("reg/reviewenv-janitor:0a1b", Path.of("/tmp/j")));
        assertEquals(List.of("ldd", "/usr/bin/docker"), SwarmCommands.libraries(Path.of("/usr/bin/docker")));
    }
}
