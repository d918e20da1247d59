package dev.reviewenv.engine.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How much room the file system holding a path has. */
public final class DiskSpace {
    private DiskSpace() {
    }

    /** Free bytes (for an unprivileged writer) and total bytes of a file system. */
    public record Space(long free, long total) {
    }

    /** The space of the file system {@code path} is on; only looking the path up needs permission, not reading it. */
    public static Space of(Path path) {
        try {
            FileStore store = Files.getFileStore(path);
            return new Space(store.getUsableSpace(), store.getTotalSpace());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot see the free space of " + path + " (" + e.getMessage()
                    + "); set reviewenv.docker-data-root to Docker's data root", e);
        }
    }
}
