package dev.reviewenv.engine.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComposeCommandsTest {
    static final Path FILE = Path.of("/home/d/.reviewenv/feature-x/docker-compose.yml");
    static final Path DIR = Path.of("/ws/feature-x/abc");
    static final Path ENV = Path.of("/home/d/.reviewenv/.compose.env");

    @Test
    void upBuildsNothingItStartsWhatReviewenvBuiltAndRemovesOrphans() {
        assertEquals(List.of("docker", "compose", "--ansi", "never", "--progress", "plain", "--env-file", ENV.toString(),
                "-p", "feature-x", "-f", FILE.toString(), "--project-directory", DIR.toString(), "up", "-d", "--no-build",
                "--remove-orphans", "-t", "10"),
                ComposeCommands.of(ComposeCommands.V2).up("feature-x", FILE, DIR, ENV, Duration.ofSeconds(10)));
        List<String> base = List.of("docker-compose", "--ansi", "never", "--env-file", ENV.toString(), "-p", "feature-x",
                "-f", FILE.toString(), "--project-directory", DIR.toString());
        assertEquals(concat(base, "up", "-d", "--no-build", "--remove-orphans", "-t", "10"),
                ComposeCommands.of(ComposeCommands.V1).up("feature-x", FILE, DIR, ENV, Duration.ofSeconds(10)));
    }

    @Test
    void aRecreateRemovesContainersAndNetworksButKeepsVolumes() {
        assertEquals(List.of("docker-compose", "--ansi", "never", "--env-file", ENV.toString(), "-p", "feature-x",
                "-f", FILE.toString(), "down", "--remove-orphans", "-t", "3"),
                ComposeCommands.of(ComposeCommands.V1).downKeepingVolumes("feature-x", FILE, null, ENV, Duration.ofSeconds(3)));
    }

    @Test
    void downRemovesContainersVolumesAndOrphansButNoImagesAndWaitsABoundedTime() {
        assertEquals(List.of("docker", "compose", "--ansi", "never", "--progress", "plain", "--env-file", ENV.toString(),
                "-p", "feature-x", "-f", FILE.toString(), "down", "--volumes", "--remove-orphans", "-t", "3"),
                ComposeCommands.of(ComposeCommands.V2).down("feature-x", FILE, null, ENV, Duration.ofSeconds(3)));
    }

    @Test
    void resolvePrintsTheModel() {
        assertEquals(List.of("docker-compose", "--ansi", "never", "--env-file", "/e", "-p", "p", "-f", "/f.yml", "config"),
                ComposeCommands.of(ComposeCommands.V1).resolve("p", Path.of("/f.yml"), null, Path.of("/e")));
        assertEquals(List.of("docker", "compose", "--ansi", "never", "--progress", "plain", "--env-file", "/e", "-p", "p",
                "-f", "/f.yml", "--project-directory", "/d", "config", "--format", "json"),
                ComposeCommands.of(ComposeCommands.V2).resolve("p", Path.of("/f.yml"), Path.of("/d"), Path.of("/e")));
    }

    static List<String> concat(List<String> a, String... b) {
        var out = new java.util.ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
