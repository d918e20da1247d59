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
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
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

    private final LongSupplier ticker;

    RecordTimes(Function<EnvironmentName, Path> dir, Predicate<EnvironmentName> exists, LongSupplier ticker) {
        this.dir = dir;
        this.exists = exists;
        this.ticker = ticker;
    }

    /**
     * A {@code removeat} as read, while its file is the same (an edit by hand changes its time or
     * size), and when it was looked at ({@code at} null: there was none then).
     */
    private static final class RemoveAt {
        final Path file;
        /** Null when there was no file. */
        final FileStamp stamp;
        final Instant at;
        volatile long lookedAt;

        RemoveAt(Path file, BasicFileAttributes a, Instant at, long lookedAt) {
            this.file = file;
            this.stamp = a == null ? null : FileStamp.of(a);
            this.at = at;
            this.lookedAt = lookedAt;
        }

        boolean same(BasicFileAttributes a) {
            return at != null && stamp.same(a);
        }
    }

    /** A {@code lastrequest} as last looked at ({@code at} null: there was none, or it was unreadable). */
    private record LastRequest(java.io.File file, long modified, long size, Instant at) {
    }

    /** Drops what was kept of an environment whose record is gone. */
    void forget(EnvironmentName name) {
        removeAts.remove(name);
        lastRequests.remove(name);
    }

    /** Writes {@code removeat}, or deletes it when the environment never expires. */
    void writeRemoveAt(EnvironmentName name, Optional<Instant> at) {
        Path file = dir.apply(name).resolve(RecordStore.REMOVE_AT);
        try {
            if (at.isPresent()) {
                AtomicFiles.write(file, (at.get().getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII));
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        } finally {
            removeAts.remove(name); // the next look, for a view too, reads what was written
        }
    }

    /**
     * When the environment is to be removed; empty when there is no {@code removeat} (never).
     * A file that cannot be read as epoch seconds is reported, not guessed at.
     */
    Optional<Instant> removeAt(EnvironmentName name) {
        RemoveAt known = removeAts.get(name);
        Path file = known != null ? known.file : dir.apply(name).resolve(RecordStore.REMOVE_AT);
        long lookedAt = ticker.getAsLong();
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            if (known != null && known.same(now)) {
                known.lookedAt = lookedAt;
                return Optional.of(known.at);
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            Instant at = Instant.ofEpochSecond(Long.parseLong(text));
            removeAts.put(name, new RemoveAt(file, now, at, lookedAt));
            return Optional.of(at);
        } catch (NoSuchFileException e) {
            removeAts.put(name, new RemoveAt(file, null, null, lookedAt));
            return Optional.empty();
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + ": expected epoch seconds on one line, e.g. 1767225600");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The same for a view: the one looked at less than {@code window} nanoseconds ago, else looked at. */
    Optional<Instant> removeAtForView(EnvironmentName name, long window) {
        RemoveAt known = removeAts.get(name);
        if (known != null && ticker.getAsLong() - known.lookedAt < window) {
            return Optional.ofNullable(known.at);
        }
        return removeAt(name);
    }

    /** Writes when the environment was last requested (only while its record exists). */
    void writeLastRequest(EnvironmentName name, Instant at) {
        if (exists.test(name)) {
            Path file = dir.apply(name).resolve(RecordStore.LAST_REQUEST);
            AtomicFiles.write(file, (at.getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII));
            lastRequests.put(name, new LastRequest(file.toFile(), -1, -1, at)); // -1: the next look reads the file again
        }
    }

    /**
     * The last request as this store last knew it, without a look at the disk once it knows one:
     * for views. This service writes every {@code lastrequest} it reads from Traefik's log; one the
     * one-shot reaper wrote is seen at this service's next read of the same log.
     */
    Optional<Instant> lastRequestSeen(EnvironmentName name) {
        LastRequest known = lastRequests.get(name);
        return known != null ? Optional.ofNullable(known.at()) : lastRequest(name);
    }

    /**
     * When the environment was last requested through Traefik; empty when never (or unreadable: it
     * is only a hint). Read again only when the file changed (one look at it).
     */
    Optional<Instant> lastRequest(EnvironmentName name) {
        LastRequest known = lastRequests.get(name);
        java.io.File file = known != null ? known.file() : dir.apply(name).resolve(RecordStore.LAST_REQUEST).toFile();
        long modified = file.lastModified(); // 0 when there is none, without an exception
        if (known != null && known.modified() == modified && (modified == 0 || known.size() == file.length())) {
            return Optional.ofNullable(known.at());
        }
        Instant at = null;
        if (modified != 0) {
            try {
                at = Instant.ofEpochSecond(Long.parseLong(Files.readString(file.toPath(), StandardCharsets.US_ASCII).trim()));
            } catch (IOException | NumberFormatException unreadable) {
                // only a hint: none
            }
        }
        lastRequests.put(name, new LastRequest(file, modified, modified == 0 ? 0 : file.length(), at));
        return Optional.ofNullable(at);
    }
}
