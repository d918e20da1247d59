package dev.reviewenv.engine.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComposeCommandsTest {
    static final Path FILE = Path.of("/home/d/.reviewenv/feature-x/docker-compose.yml");
    static final Path DIR = Path.of("/ws/feature-x/abc");

    @Test
    void v2UpBuildsAndStartsInOneCall() {
        assertEquals(List.of(List.of("docker", "compose", "--ansi", "never", "--progress", "plain", "-p", "feature-x",
                "-f", FILE.toString(), "--project-directory", DIR.toString(), "up", "-d", "--build", "--remove-orphans")),
                ComposeCommands.of(ComposeCommands.V2).up("feature-x", FILE, DIR));
    }

    @Test
    void v1BuildsWithForceRmBeforeUp() {
        List<String> base = List.of("docker-compose", "--ansi", "never", "-p", "feature-x", "-f", FILE.toString(),
                "--project-directory", DIR.toString());
        var calls = ComposeCommands.of(ComposeCommands.V1).up("feature-x", FILE, DIR);
        assertEquals(2, calls.size());
        assertEquals(concat(base, "build", "--force-rm"), calls.get(0));
        assertEquals(concat(base, "up", "-d", "--remove-orphans"), calls.get(1));
    }

    @Test
    void downRemovesImagesVolumesAndOrphans() {
        assertEquals(List.of("docker", "compose", "--ansi", "never", "--progress", "plain", "-p", "feature-x", "-f",
                FILE.toString(), "down", "--rmi", "all", "--volumes", "--remove-orphans"),
                ComposeCommands.of(ComposeCommands.V2).down("feature-x", FILE, null, true));
        assertEquals("local", ComposeCommands.of(ComposeCommands.V1).down("p", FILE, null, false).get(9));
    }

    @Test
    void configOnlyChecks() {
        assertEquals(List.of("docker-compose", "--ansi", "never", "-p", "p", "-f", "/f.yml", "config", "--quiet"),
                ComposeCommands.of(ComposeCommands.V1).config("p", Path.of("/f.yml"), null));
    }

    static List<String> concat(List<String> a, String... b) {
        var out = new java.util.ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
