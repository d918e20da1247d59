package dev.reviewenv.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A 64 MiB tmpfs standing in for Docker's data root ({@code reviewenv.docker-data-root}), with
 * {@code reviewenv.disk-floor=32m}: a test fills it to put the host below the floor and empties it
 * again ({@link #fill}). Needs root to mount, as the tests' Docker does.
 */
public class SmallDisk implements QuarkusTestResourceLifecycleManager {
    private static volatile Path mounted;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("reviewenv-small-disk");
            Cmd.ok("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", dir.toString());
            mounted = dir;
            return Map.of("reviewenv.docker-data-root", dir.toString(), "reviewenv.disk-floor", "32m");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code mib} MiB into the small disk (0 empties it). */
    public static void fill(int mib) {
        Path file = mounted.resolve("fill");
        Cmd.run(null, Map.of(), "rm", "-f", file.toString());
        if (mib > 0) {
            Cmd.ok("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=" + mib, "status=none");
        }
    }

    @Override
    public void stop() {
        if (dir != null) {
            Cmd.run(null, Map.of(), "umount", dir.toString());
            Cmd.run(null, Map.of(), "rmdir", dir.toString());
        }
    }
}
