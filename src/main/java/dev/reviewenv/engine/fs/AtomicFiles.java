package dev.reviewenv.engine.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes files so that a reader sees the old content or the new, never half of one. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code content} to a temp file in {@code tmpDir} (same file system), then renames it over {@code target}. */
    public static void write(Path target, byte[] content, Path tmpDir) {
        try {
            Files.createDirectories(tmpDir);
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(tmpDir, "." + target.getFileName(), ".tmp");
            try {
                Files.write(tmp, content);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException(tmpDir + " and " + target.getParent()
                            + " are on different file systems; a rename between them is not atomic", e);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes through a temp file in the target's own directory. */
    public static void write(Path target, byte[] content) {
        write(target, content, target.getParent());
    }
}
