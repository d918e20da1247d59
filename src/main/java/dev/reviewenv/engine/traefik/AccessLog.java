package dev.reviewenv.engine.traefik;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.engine.fs.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Traefik's JSON access log, read incrementally: when each router last took a request
 * ({@code RouterName}, as {@code <router>@<provider>}, and {@code StartUTC}), so the use of an
 * environment is known from the proxy in front of it. Where reading stopped (the log's inode and
 * an offset) is kept in a small file, so a restart goes on from there instead of reading the log
 * again. Rotation is followed both ways logrotate does it: a log renamed away is finished under
 * its new name (a file beside it, named after it, with the remembered inode), and kept to until
 * Traefik has reopened and written the new one, which is then read from its start; a log
 * truncated in place ({@code copytruncate}) is read again from its start. Only complete lines are
 * read (Traefik may be half-way through one), and a call reads at most {@link #MAX_READ} bytes,
 * the rest waiting for the next, so a backlog neither holds the caller long nor fills memory.
 */
public class AccessLog {
    static final long MAX_READ = 64L << 20;
    static final int MAX_LINE = 64 << 10;

    private final Path log;
    private final Path positionFile;
    private final long maxRead;
    private final ObjectMapper json = new ObjectMapper();
    private Position position;

    public AccessLog(Path log, Path positionFile) {
        this(log, positionFile, MAX_READ);
    }

    AccessLog(Path log, Path positionFile, long maxRead) {
        this.log = log;
        this.positionFile = positionFile;
        this.maxRead = maxRead;
    }

    /** Where reading stopped: the file (by inode) and the offset after the last complete line read. */
    record Position(long inode, long offset) {
    }

    /** How far a read went: the offset after its last complete line, the bytes it looked at, whether it saw the file's end. */
    private record Read(long offset, long scanned, boolean atEnd) {
    }

    /**
     * The latest request start per router (named as in its file, without {@code @provider}) logged
     * since the last call; empty while there is no log.
     */
    public synchronized Map<String, Instant> readNew() {
        Map<String, Instant> seen = new HashMap<>();
        long current;
        try {
            current = inode(log);
        } catch (NoSuchFileException e) {
            return seen;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        Position at = position();
        Position next = at;
        long budget = maxRead;
        long from = at.offset();
        if (at.inode() != current) {
            Optional<Path> old = at.inode() == 0 ? Optional.empty() : renamed(at.inode());
            Optional<Read> rest = old.flatMap(f -> read(f, at.inode(), at.offset(), maxRead, seen));
            if (rest.isPresent()) {
                next = new Position(at.inode(), rest.get().offset());
                if (!rest.get().atEnd() || empty(log)) {
                    // more to read there, or Traefik writes there still (it has not reopened its log yet)
                    save(next);
                    return seen;
                }
                budget -= rest.get().scanned();
            }
            from = 0;
        }
        Optional<Read> read = read(log, current, from, budget, seen);
        if (read.isPresent()) {
            next = new Position(current, read.get().offset());
        }
        save(next);
        return seen;
    }

    /**
     * Reads the complete lines of {@code file} from {@code from} (from its start if it is shorter
     * now), looking at no more than {@code budget} bytes; nothing if it is gone or no longer
     * {@code inode}.
     */
    private Optional<Read> read(Path file, long inode, long from, long budget, Map<String, Instant> seen) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (inode(file) != inode) {
                return Optional.empty(); // replaced since it was looked at: the next call sees what is there now
            }
            long size = channel.size();
            long start = size < from ? 0 : from;
            long end = Math.min(size, start + Math.max(0, budget));
            ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
            byte[] line = new byte[MAX_LINE];
            int length = 0;
            boolean tooLong = false;
            long offset = start;
            long at = start;
            while (at < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
                int n = channel.read(buffer, at);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        if (!tooLong) {
                            take(line, length, seen);
                        }
                        length = 0;
                        tooLong = false;
                        offset = at + i + 1;
                    } else if (length < MAX_LINE) {
                        line[length++] = b;
                    } else {
                        tooLong = true;
                    }
                }
                at += n;
            }
            if (offset == start && at - start >= maxRead && at < size) {
                offset = at; // not one line end in a whole call's read: skip that much of a line that long
            }
            return Optional.of(new Read(offset, at - start, at >= size));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void take(byte[] line, int length, Map<String, Instant> seen) {
        try {
            JsonNode entry = json.readTree(line, 0, length);
            String router = entry == null ? "" : entry.path("RouterName").asText("");
            int provider = router.lastIndexOf('@');
            String name = provider < 0 ? router : router.substring(0, provider);
            if (name.isEmpty()) {
                return; // blank, or a request no router took
            }
            Instant when = Instant.parse(entry.path("StartUTC").asText(""));
            seen.merge(name, when, (a, b) -> a.isAfter(b) ? a : b);
        } catch (IOException | DateTimeParseException malformed) {
            // a line that is not Traefik's JSON says nothing about a request
        }
    }

    /** The renamed old log: a file beside the log, named after it ({@code access.log.1}), with that inode. */
    private Optional<Path> renamed(long inode) {
        Path dir = log.toAbsolutePath().getParent();
        String prefix = log.getFileName().toString();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> f.getFileName().toString().startsWith(prefix)
                && !f.getFileName().toString().equals(prefix))) {
            for (Path f : files) {
                try {
                    if (Files.isRegularFile(f) && inode(f) == inode) {
                        return Optional.of(f);
                    }
                } catch (IOException gone) {
                    // rotated further meanwhile
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean empty(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (IOException gone) {
            return true;
        }
    }

    private Position position() {
        if (position == null) {
            position = new Position(0, 0);
            try {
                String[] parts = Files.readString(positionFile, StandardCharsets.US_ASCII).strip().split(" ");
                position = new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            } catch (IOException | RuntimeException missingOrUnreadable) {
                // start from the beginning of the current log
            }
        }
        return position;
    }

    private void save(Position next) {
        if (next.equals(position)) {
            return;
        }
        AtomicFiles.write(positionFile, (next.inode() + " " + next.offset() + "\n").getBytes(StandardCharsets.US_ASCII));
        position = next;
    }

    private static long inode(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
    }
}
