package dev.reviewenv.teardown;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.naming.EnvironmentName;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail of endings: one JSON line per removed environment in
 * {@code <home>/.reviewenv/.endings.jsonl} (name, reason, repository, ref, job, at), kept after
 * the record itself is gone.
 */
@Singleton
public class EndingsLog {
    public static final String FILE = ".endings.jsonl";
    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;

    public EndingsLog(ReviewenvConfig config, Clock clock) {
        this.file = config.recordsDir().resolve(FILE);
        this.clock = clock;
    }

    /** The last {@code n} endings, newest first (a log too large is read from its tail only). */
    public List<Map<String, String>> last(int n) {
        List<Map<String, String>> out = new java.util.ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - 256L * 1024);
            f.seek(start);
            byte[] tail = new byte[(int) (f.length() - start)];
            f.readFully(tail);
            List<String> lines = new String(tail, StandardCharsets.UTF_8).lines().toList();
            for (int i = lines.size() - 1; i >= 0 && out.size() < n; i--) {
                try {
                    out.add(json.readValue(lines.get(i), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { }));
                } catch (IOException partialFirstLine) {
                    // the tail may start in the middle of a line
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    public synchronized void ended(EnvironmentName name, EndReason reason, String repository, String ref, String job) {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("at", clock.instant().toString());
        line.put("name", name.value());
        line.put("reason", reason.key());
        line.put("repository", repository);
        line.put("ref", ref);
        line.put("job", job);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, (json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }
}
