package dev.reviewenv.teardown;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.config.ReviewenvConfig;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
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

    public EndingsLog(ReviewenvConfig config) {
        this.file = config.recordsDir().resolve(FILE);
    }

    public synchronized void ended(String name, String reason, String repository, String ref, String job) {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("at", Instant.now().toString());
        line.put("name", name);
        line.put("reason", reason);
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
