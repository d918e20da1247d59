package dev.reviewenv.api;

import dev.reviewenv.job.JobOutput;
import dev.reviewenv.job.Jobs;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Follows a job's output for {@code GET /api/jobs/{id}/log}: one small scheduled task per reader
 * looks four times a second for what is new, so a reader holds no thread while it waits. The
 * status line and headers go out at once, before any output (a proxy waiting for headers does not
 * cut the stream); while the job is silent for {@link #HEARTBEAT}, a newline is sent at the start
 * of a line (so no line of the log is split), which keeps the connection from looking idle. The
 * stream ends with {@code --- job <status>} when the job ends, or after {@link #LIMIT}.
 */
@Singleton
public class LogStream {
    /** A log is followed for at most this long, then the stream ends (the job goes on). */
    static final Duration LIMIT = Duration.ofMinutes(30);
    private static final Duration EVERY = Duration.ofMillis(250);
    /** Silence after which a newline is sent: well under the HTTP server's idle timeout and common proxies' read timeouts. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final byte[] NOTHING = new byte[0];
    private static final byte[] NEWLINE = {'\n'};

    private final Jobs jobs;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "reviewenv-log-readers");
        t.setDaemon(true);
        return t;
    });

    public LogStream(Jobs jobs, Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
    }

    public Multi<byte[]> follow(String id) {
        Instant until = clock.instant().plus(LIMIT);
        return Multi.createFrom().emitter(emitter -> {
            // An empty first item makes the framework send the status line and headers now.
            emitter.emit(NOTHING);
            long[] seen = {0};
            Instant[] lastSent = {clock.instant()};
            boolean[] atLineStart = {true};
            ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
            task[0] = scheduler.scheduleWithFixedDelay(() -> {
                if (emitter.isCancelled()) {
                    task[0].cancel(false);
                    return;
                }
                try {
                    JobOutput chunk = jobs.output(id);
                    byte[] fresh = chunk.after(seen[0]);
                    seen[0] = chunk.total();
                    if (fresh.length > 0) {
                        emitter.emit(fresh);
                        lastSent[0] = clock.instant();
                        atLineStart[0] = fresh[fresh.length - 1] == '\n';
                    } else if (atLineStart[0] && !chunk.ended() && clock.instant().isAfter(lastSent[0].plus(HEARTBEAT))) {
                        emitter.emit(NEWLINE);
                        lastSent[0] = clock.instant();
                    }
                    if (chunk.ended() || clock.instant().isAfter(until)) {
                        if (chunk.ended() && chunk.status() != null) {
                            emitter.emit(("--- job " + chunk.status() + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                        emitter.complete();
                        task[0].cancel(false);
                    }
                } catch (RuntimeException redisDown) {
                    // the next look may find Redis back; the reader waits, as it would for output
                }
            }, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> {
                if (task[0] != null) {
                    task[0].cancel(false);
                }
            });
        });
    }

    void stop(@Observes ShutdownEvent event) {
        scheduler.shutdownNow();
    }
}
