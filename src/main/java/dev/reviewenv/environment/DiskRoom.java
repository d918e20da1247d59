package dev.reviewenv.environment;

import dev.reviewenv.config.DiskFloor;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.fs.DiskSpace;
import dev.reviewenv.engine.stack.DiskUse;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The room on the disk the environments live on: Docker's data root ({@code reviewenv.docker-data-root},
 * else what the engine says, asked once), its free space, and the floor free space must not go below
 * ({@code reviewenv.disk-floor}). The reaper's look at the disk and a seed's copy both ask here.
 */
@Singleton
public class DiskRoom {
    private final ReviewenvConfig config;
    private final DiskUse disk;
    private volatile Path root;

    public DiskRoom(ReviewenvConfig config, DiskUse disk) {
        this.config = config;
        this.disk = disk;
    }

    /** Where Docker keeps images, containers and volumes. */
    public Path root() {
        Path r = root;
        if (r == null) {
            r = config.dockerDataRoot().orElseGet(disk::dataRoot);
            root = r;
        }
        return r;
    }

    /** The free and total bytes of the data root's file system now. */
    public DiskSpace.Space space() {
        return DiskSpace.of(root());
    }

    /** The floor, if the operator set one. */
    public Optional<DiskFloor> floor() {
        return config.diskFloor();
    }

    /**
     * Why writing {@code bytes} more would take free space below the floor, naming the sizes; empty
     * when it would not (or no floor is set).
     */
    public Optional<String> shortOf(long bytes, String what) {
        Optional<DiskFloor> floor = floor();
        if (floor.isEmpty()) {
            return Optional.empty();
        }
        DiskSpace.Space space = space();
        long need = floor.get().bytesOf(space.total());
        if (space.free() - bytes >= need) {
            return Optional.empty();
        }
        return Optional.of(what + " (" + mib(bytes) + ") would leave " + mib(Math.max(0, space.free() - bytes)) + " free in "
                + root() + ", below reviewenv.disk-floor=" + floor.get() + " (" + mib(need) + "; " + mib(space.free())
                + " free now)");
    }

    /** A size in MiB, for messages. */
    public static String mib(long bytes) {
        return bytes / (1 << 20) + " MiB";
    }
}
