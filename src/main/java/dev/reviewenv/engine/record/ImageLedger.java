package dev.reviewenv.engine.record;

import dev.reviewenv.engine.fs.AtomicFiles;
import dev.reviewenv.naming.EnvironmentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Which images reviewenv pulled, and which images deploys in flight are about to use, on disk
 * under {@code <records>/.images/} so that the one-shot reaper sees the same: {@code pulled} (one
 * image reference a line, then when a deploy last used it in epoch seconds: images that were not
 * on the host when a deploy of reviewenv needed them, the image cache) and {@code pins/<name>}
 * (the references a running deploy of {@code name} uses). Every read-and-change runs under one
 * lock, shared across processes.
 */
public class ImageLedger {
    private final Path dir;
    private final ReentrantLock local = new ReentrantLock();

    public ImageLedger(Path recordsDir) {
        this.dir = recordsDir.resolve(".images");
    }

    /** Runs {@code work} holding the ledger's lock (a thread lock and a file lock). */
    public <T> T locked(Supplier<T> work) {
        local.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                return work.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir, e);
        } finally {
            local.unlock();
        }
    }

    public Set<String> pulled() {
        return new TreeSet<>(lastUsed().keySet());
    }

    /** Every pulled image with when a deploy last used it (the epoch for lines written before that was kept). */
    public Map<String, Instant> lastUsed() {
        Map<String, Instant> used = new TreeMap<>();
        for (String line : read(dir.resolve("pulled"))) {
            String[] parts = line.split("\\s+");
            Instant at = Instant.EPOCH;
            if (parts.length > 1) {
                try {
                    at = Instant.ofEpochSecond(Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    // an unreadable time counts as long ago
                }
            }
            used.put(parts[0], at);
        }
        return used;
    }

    /** Adds {@code refs} as pulled, used at {@code at}. */
    public void addPulled(Collection<String> refs, Instant at) {
        Map<String, Instant> all = lastUsed();
        refs.forEach(r -> all.put(r, at));
        if (!refs.isEmpty()) {
            writePulled(all);
        }
    }

    /** Marks those of {@code refs} that are pulled images as used at {@code at}. */
    public void touch(Collection<String> refs, Instant at) {
        Map<String, Instant> all = lastUsed();
        boolean changed = false;
        for (String r : refs) {
            if (all.containsKey(r)) {
                all.put(r, at);
                changed = true;
            }
        }
        if (changed) {
            writePulled(all);
        }
    }

    public void removePulled(Collection<String> refs) {
        Map<String, Instant> all = lastUsed();
        if (all.keySet().removeAll(refs)) {
            writePulled(all);
        }
    }

    private void writePulled(Map<String, Instant> all) {
        Set<String> lines = new TreeSet<>();
        all.forEach((ref, at) -> lines.add(ref + " " + at.getEpochSecond()));
        write(dir.resolve("pulled"), lines);
    }

    public void pin(EnvironmentName name, Collection<String> refs) {
        write(dir.resolve("pins").resolve(name.value()), new TreeSet<>(refs));
    }

    public void unpin(EnvironmentName name) {
        try {
            Files.deleteIfExists(dir.resolve("pins").resolve(name.value()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpin the images of " + name, e);
        }
    }

    /** The images each deploy in flight is about to use, by environment. */
    public Map<EnvironmentName, Set<String>> pins() {
        Map<EnvironmentName, Set<String>> pins = new HashMap<>();
        Path pinDir = dir.resolve("pins");
        if (!Files.isDirectory(pinDir)) {
            return pins;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pinDir)) {
            for (Path f : files) {
                EnvironmentName.parse(f.getFileName().toString()).ifPresent(n -> pins.put(n, read(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pinDir, e);
        }
        return pins;
    }

    private static Set<String> read(Path file) {
        try {
            Set<String> lines = new TreeSet<>();
            Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).forEach(lines::add);
            return lines;
        } catch (NoSuchFileException e) {
            return new TreeSet<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path file, Set<String> lines) {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l).append('\n'));
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
