package dev.reviewenv.engine.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader sees the old content or the new, never half of one, and so that
 * a crash right after leaves the new content on disk: the temp file is synced before the rename,
 * and the directory after it.
 */
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
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buffer = ByteBuffer.wrap(content);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException(tmpDir + " and " + target.getParent()
                            + " are on different file systems; a rename between them is not atomic", e);
                }
                syncDirectory(target.getParent());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Makes a rename in {@code dir} durable (Linux syncs a directory opened for reading). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** Writes through a temp file in the target's own directory. */
    public static void write(Path target, byte[] content) {
        write(target, content, target.getParent());
    }
}
