package dev.reviewenv.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.config.Hmac;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.redis.RedisUnavailable;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Replays the pushes the hook queued on disk while the service or Redis was down
 * ({@code reviewenv.spool.dir}, one {@code <time>-<pid>-<n>.push} file each: the HMAC-SHA256 of
 * the body with the API token on the first line, the body the hook would have posted after it).
 * In the order they were queued; one with a bad signature, or that is refused, is moved to
 * {@code rejected/} with the reason and never run. While Redis is still down they wait.
 */
@Singleton
public class SpoolReplay {
    private final ReviewenvConfig config;
    private final PushService pushes;
    private final ObjectMapper json = new ObjectMapper();

    public SpoolReplay(ReviewenvConfig config, PushService pushes) {
        this.config = config;
        this.pushes = pushes;
    }

    void atStart(@Observes StartupEvent event) {
        if (config.mode() == ReviewenvConfig.Mode.SERVICE) {
            replay();
        }
    }

    @Scheduled(every = "${reviewenv.spool.every:15s}", delayed = "${reviewenv.spool.every:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.mode() == ReviewenvConfig.Mode.SERVICE) {
            replay();
        }
    }

    /** Replays every queued push it can; returns how many became jobs. */
    public synchronized int replay() {
        int done = 0;
        for (Path file : queued()) {
            try {
                PushRequest push = read(file);
                PushAccepted accepted = pushes.push(push);
                Files.deleteIfExists(file);
                Log.infof("replayed a queued push of %s %s: job %s", accepted.repository(), push.ref(), accepted.job());
                done++;
            } catch (RedisUnavailable stillDown) {
                Log.debugf("queued pushes wait: %s", stillDown.getMessage());
                return done;
            } catch (PushRefused | IOException | IllegalArgumentException refused) {
                reject(file, refused.getMessage());
            }
        }
        return done;
    }

    private List<Path> queued() {
        Path dir = config.spool().dir();
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.push")) {
            entries.forEach(p -> {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.add(p);
                }
            });
        } catch (IOException e) {
            Log.warnf("cannot read the spool %s: %s", dir, e.getMessage());
        }
        files.sort(null);
        return files;
    }

    private PushRequest read(Path file) throws IOException {
        if (Files.size(file) > 1 << 20) {
            throw new IllegalArgumentException("larger than 1 MiB");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        if (nl < 0) {
            throw new IllegalArgumentException("no signature line");
        }
        String body = text.substring(nl + 1).stripTrailing();
        String expected = HexFormat.of().formatHex(Hmac.sign(config.apiToken().getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8)));
        if (!Hmac.same(expected, text.substring(0, nl).strip())) {
            throw new IllegalArgumentException("its signature is not the API token's; it was not written by the hook");
        }
        return json.readValue(body, PushRequest.class);
    }


    private void reject(Path file, String why) {
        Log.warnf("a queued push %s is rejected: %s", file.getFileName(), why);
        try {
            Path rejected = Files.createDirectories(file.resolveSibling("rejected"));
            Files.move(file, rejected.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(rejected.resolve(file.getFileName() + ".reason"), why + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            Log.warnf("cannot move %s aside: %s", file, e.getMessage());
        }
    }
}
