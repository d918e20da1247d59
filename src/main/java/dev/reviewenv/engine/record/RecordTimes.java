package dev.reviewenv.engine.record;

import dev.reviewenv.engine.fs.AtomicFiles;
import dev.reviewenv.naming.EnvironmentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The two times kept beside a record, each a file of epoch seconds on one line: {@code removeat}
 * (when the environment is to be removed; absent: never) and {@code lastrequest} (when Traefik
 * last logged a request for it). Each is read again only when its file changed.
 */
final class RecordTimes {
    private final Function<EnvironmentName, Path> dir;
    private final Predicate<EnvironmentName> exists;
    private final ConcurrentHashMap<EnvironmentName, RemoveAt> removeAts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EnvironmentName, LastRequest> lastRequests = new ConcurrentHashMap<>();

    RecordTimes(Function<EnvironmentName, Path> dir, Predicate<EnvironmentName> exists) {
        this.dir = dir;
        this.exists = exists;
    }

    /** A {@code removeat} as read, while its file is the same (an edit by hand changes its time or size). */
    private record RemoveAt(Object fileKey, long size, FileTime modified, Instant at) {
        boolean same(BasicFileAttributes a) {
            return java.util.Objects.equals(fileKey, a.fileKey()) && size == a.size() && modified.equals(a.lastModifiedTime());
        }
    }

    private record LastRequest(long modified, long size, Instant at) {
    }

    /** Writes {@code removeat}, or deletes it when the environment never expires. */
    void writeRemoveAt(EnvironmentName name, Optional<Instant> at) {
        Path file = dir.apply(name).resolve(RecordStore.REMOVE_AT);
        if (at.isPresent()) {
            AtomicFiles.write(file, (at.get().getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII));
        } else {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + file, e);
            }
        }
    }

    /**
     * When the environment is to be removed; empty when there is no {@code removeat} (never).
     * A file that cannot be read as epoch seconds is reported, not guessed at.
     */
    Optional<Instant> removeAt(EnvironmentName name) {
        Path file = dir.apply(name).resolve(RecordStore.REMOVE_AT);
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            RemoveAt known = removeAts.get(name);
            if (known != null && known.same(now)) {
                return Optional.of(known.at());
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            Instant at = Instant.ofEpochSecond(Long.parseLong(text));
            removeAts.put(name, new RemoveAt(now.fileKey(), now.size(), now.lastModifiedTime(), at));
            return Optional.of(at);
        } catch (NoSuchFileException e) {
            removeAts.remove(name);
            return Optional.empty();
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + ": expected epoch seconds on one line, e.g. 1767225600");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes when the environment was last requested (only while its record exists). */
    void writeLastRequest(EnvironmentName name, Instant at) {
        if (exists.test(name)) {
            AtomicFiles.write(dir.apply(name).resolve(RecordStore.LAST_REQUEST), (at.getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * When the environment was last requested through Traefik; empty when never (or unreadable: it
     * is only a hint). Read again only when the file changed (a look at its modification time).
     */
    Optional<Instant> lastRequest(EnvironmentName name) {
        java.io.File file = dir.apply(name).resolve(RecordStore.LAST_REQUEST).toFile();
        long modified = file.lastModified(); // 0 when there is none, without an exception
        if (modified == 0) {
            lastRequests.remove(name);
            return Optional.empty();
        }
        LastRequest known = lastRequests.get(name);
        if (known != null && known.modified() == modified && known.size() == file.length()) {
            return Optional.of(known.at());
        }
        try {
            Instant at = Instant.ofEpochSecond(Long.parseLong(Files.readString(file.toPath(), StandardCharsets.US_ASCII).trim()));
            lastRequests.put(name, new LastRequest(modified, file.length(), at));
            return Optional.of(at);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
