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
 * Traefik's JSON access log, read incrementally: which router took a request, and when it
 * started ({@code RouterName} as {@code <router>@<provider>}, {@code StartUTC}). The position
 * (the file's inode and offset) is kept in a small file, so a restart goes on where it stopped.
 * Rotation is followed both ways logrotate does it: a renamed log is finished from its new name
 * (a file beside it, named after it, with the remembered inode) before the new log is read from
 * its start; a truncated one ({@code copytruncate}) is read again from its start. Only complete
 * lines are read (Traefik may be half-way through one), and each call reads at most
 * {@link #MAX_READ} bytes; the rest waits for the next call.
 */
public class AccessLog {
    static final int MAX_READ = 64 << 20;
    static final int MAX_LINE = 64 << 10;

    private final Path log;
    private final Path positionFile;
    private final ObjectMapper json = new ObjectMapper();
    private Position position;

    public AccessLog(Path log, Path positionFile) {
        this.log = log;
        this.positionFile = positionFile;
    }

    /** Where reading stopped: the file (by inode) and the offset after the last complete line read. */
    record Position(long inode, long offset) {
    }

    /** The latest request start per router (without its {@code @provider}) logged since the last call. */
    public synchronized Map<String, Instant> readNew() {
        Position at = position();
        Map<String, Instant> seen = new HashMap<>();
        long current;
        try {
            current = inode(log);
        } catch (NoSuchFileException e) {
            return seen;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        long budget = MAX_READ;
        long offset = at.offset();
        if (at.inode() != current) {
            // Rotated by renaming: finish the old file first, if it is still beside the new one.
            Optional<Path> old = at.inode() == 0 ? Optional.empty() : renamed(at.inode());
            if (old.isPresent()) {
                long end = read(old.get(), at.offset(), budget, seen);
                if (end - at.offset() >= budget) {
                    save(new Position(at.inode(), end));
                    return seen;
                }
                budget -= end - at.offset();
            }
            offset = 0;
        }
        try {
            if (Files.size(log) < offset) {
                offset = 0; // truncated in place
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        long end = read(log, offset, budget, seen);
        save(new Position(current, end));
        return seen;
    }

    /** Reads complete lines of {@code file} from {@code from}, at most {@code budget} bytes; returns where it stopped. */
    private long read(Path file, long from, long budget, Map<String, Instant> seen) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long offset = from;
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            byte[] line = new byte[MAX_LINE];
            int lineLength = 0;
            boolean tooLong = false;
            long position = from;
            while (position < size && position - from < budget) {
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    break;
                }
                buffer.flip();
                for (int i = 0; i < n; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        if (!tooLong) {
                            take(new String(line, 0, lineLength, StandardCharsets.UTF_8), seen);
                        }
                        lineLength = 0;
                        tooLong = false;
                        offset = position + i + 1;
                    } else if (lineLength < MAX_LINE) {
                        line[lineLength++] = b;
                    } else {
                        tooLong = true;
                    }
                }
                position += n;
            }
            return offset;
        } catch (NoSuchFileException e) {
            return from;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void take(String line, Map<String, Instant> seen) {
        if (line.isBlank()) {
            return;
        }
        try {
            JsonNode entry = json.readTree(line);
            String router = entry.path("RouterName").asText("");
            String start = entry.path("StartUTC").asText("");
            if (router.isEmpty() || start.isEmpty()) {
                return;
            }
            int at = router.indexOf('@');
            String name = at < 0 ? router : router.substring(0, at);
            Instant when = Instant.parse(start);
            seen.merge(name, when, (a, b) -> a.isAfter(b) ? a : b);
        } catch (IOException | DateTimeParseException | IllegalArgumentException malformed) {
            // a line that is not Traefik's JSON says nothing about a request
        }
    }

    /** The renamed old log: a file beside the log, named after it ({@code access.log.1}), with that inode. */
    private Optional<Path> renamed(long inode) {
        Path dir = log.toAbsolutePath().getParent();
        String prefix = log.getFileName().toString();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> f.getFileName().toString().startsWith(prefix)
                && !f.getFileName().equals(log.getFileName()))) {
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
