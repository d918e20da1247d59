package dev.reviewenv.notice;

import dev.reviewenv.time.Poller;
import io.quarkus.logging.Log;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Work for a service outside (ntfy, a webhook, a forge), done by one background thread in the
 * order it came: each piece is tried {@link #TRIES} times with a pause between; what still fails
 * is logged and dropped. When {@link #LIMIT} pieces wait, the oldest is dropped.
 */
final class Outbox {
    static final int LIMIT = 1000;
    static final int TRIES = 3;
    private static final Duration[] PAUSES = {Duration.ofSeconds(1), Duration.ofSeconds(4)};

    private final ThreadPoolExecutor executor;
    private final Poller poller;

    Outbox(String name, Clock clock) {
        poller = new Poller(clock, Duration.ofMillis(20));
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(LIMIT), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardOldestPolicy());
    }

    void post(String what, Runnable work) {
        executor.execute(() -> {
            for (int attempt = 1; attempt <= TRIES; attempt++) {
                try {
                    work.run();
                    return;
                } catch (RuntimeException e) {
                    if (attempt == TRIES) {
                        Log.warnf("%s dropped after %d tries: %s", what, TRIES, e.getMessage());
                        return;
                    }
                    try {
                        Thread.sleep(PAUSES[attempt - 1].toMillis());
                    } catch (InterruptedException stop) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        });
    }

    /** Waits until what is queued is done (tests, and a clean stop); true when it all was. */
    boolean drain(Duration limit) {
        try {
            return poller.until(limit, () -> executor.getQueue().isEmpty() && executor.getActiveCount() == 0);
        } catch (IllegalStateException interrupted) {
            return false;
        }
    }

    void close() {
        drain(Duration.ofSeconds(3));
        executor.shutdownNow();
    }
}
