package dev.reviewenv.engine.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The host's own programs put into an image root of reviewenv's: the binary at its path and each
 * library {@code ldd} says it loads, at theirs. reviewenv's helper images (the builder, the volume
 * copier) are made from nothing but the host's files this way, as no registry may be reachable.
 */
public final class HostBinaries {
    private HostBinaries() {
    }

    /** Copies {@code binary} and the libraries it loads under {@code root}, each at its own path. */
    public static void copyWithLibraries(Path binary, Path root) throws IOException {
        Process ldd = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
        String listed;
        try (var in = ldd.getInputStream()) {
            listed = new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8);
        }
        try {
            if (!ldd.waitFor(20, TimeUnit.SECONDS)) {
                ldd.destroyForcibly().waitFor();
                throw new IOException("ldd " + binary + " did not end within 20 s");
            }
        } catch (InterruptedException e) {
            ldd.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while ldd read " + binary, e);
        }
        Path at = root.resolve(binary.toString().substring(1));
        Files.createDirectories(at.getParent());
        if (!Files.exists(at)) {
            Files.copy(binary.toRealPath(), at);
        }
        // A static binary: ldd says "not a dynamic executable" and names no library.
        for (String line : listed.split("\n")) {
            for (String word : line.trim().split("\\s+")) {
                if (word.startsWith("/")) {
                    Path lib = Path.of(word);
                    Path target = root.resolve(word.substring(1));
                    if (Files.exists(lib) && !Files.exists(target)) {
                        Files.createDirectories(target.getParent());
                        Files.copy(lib.toRealPath(), target);
                    }
                }
            }
        }
    }
}
