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
