package dev.reviewenv.api;

import dev.reviewenv.config.Secrets;
import dev.reviewenv.engine.stack.LogFollower;
import dev.reviewenv.engine.stack.LogQuery;
import dev.reviewenv.engine.stack.LogSink;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams an environment's service logs for {@code GET /api/environments/{name}/logs}: the engine
 * hands whole lines from its threads (one per container), each is written
 * {@code <service> | <timestamp> <text>}, masked ({@link Secrets}), and put in the reader's queue;
 * the queue is emitted only as fast as the client takes it (the response's demand), so lines of
 * several containers are merged whole. A queue holds at most {@link #QUEUE_BYTES}: a reader that
 * falls that far behind is dropped (the engine's streams are closed at once, and the stream ends
 * with {@link #DROPPED} once what waited was taken), never buffered without end. As the job log does
 * ({@link LogStream}), the headers go out at once and a newline is sent after {@link #HEARTBEAT}
 * of silence; one small scheduled look per reader, no thread held while it waits. When the client
 * goes, every stream the request opened is closed.
 */
@Singleton
public class ServiceLogStream {
    /** What may wait for one reader before it is dropped. */
    static final int QUEUE_BYTES = 1024 * 1024;
    static final Duration HEARTBEAT = LogStream.HEARTBEAT;
    private static final Duration LOOK = Duration.ofSeconds(1);
    static final String DROPPED = "--- reviewenv: this reader was dropped for not keeping up (" + QUEUE_BYTES / 1024
            + " KiB of lines were waiting for it); ask again, for one service or a smaller tail";
    private static final byte[] NOTHING = new byte[0];
    private static final byte[] NEWLINE = {'\n'};

    private final StackEngine engine;
    private final Secrets secrets;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "reviewenv-service-log-readers");
        t.setDaemon(true);
        return t;
    });

    /** Readers whose engine streams are open now. */
    private final AtomicInteger following = new AtomicInteger();
    /** Readers dropped since start. */
    private final AtomicInteger dropped = new AtomicInteger();
    /** The most bytes any reader's queue held. */
    private final AtomicLong mostQueued = new AtomicLong();

    public ServiceLogStream(StackEngine engine, Secrets secrets, Clock clock) {
        this.engine = engine;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The lines of the environment's containers (of {@code service}, when given) as {@code query} asks. */
    public Multi<byte[]> follow(EnvironmentName name, Optional<String> service, LogQuery query) {
        return Multi.createFrom().emitter(emitter -> new Reader(emitter).start(name, service, query));
    }

    int following() {
        return following.get();
    }

    int dropped() {
        return dropped.get();
    }

    long mostQueued() {
        return mostQueued.get();
    }

    /** One request: its queue, its engine streams, its heartbeat. */
    private final class Reader implements LogSink {
        private final MultiEmitter<? super byte[]> emitter;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private final AtomicInteger draining = new AtomicInteger();
        private long queued;
        private boolean ended;
        private boolean gone;
        private boolean completed;
        private boolean closeWanted;
        private boolean closedIt;
        private LogFollower follower;
        private byte[] dropLine;
        private volatile Instant lastSent;
        private ScheduledFuture<?> look;

        Reader(MultiEmitter<? super byte[]> emitter) {
            this.emitter = emitter;
        }

        void start(EnvironmentName name, Optional<String> service, LogQuery query) {
            lastSent = clock.instant();
            emitter.onTermination(this::finish);
            LogFollower opened;
            try {
                opened = engine.logs(name, service, query, this);
            } catch (RuntimeException e) {
                // Before any item: the framework answers with the error's status (LogsBusy: 503).
                emitter.fail(e);
                return;
            }
            following.incrementAndGet();
            boolean closeNow;
            synchronized (this) {
                follower = opened;
                closeNow = closeWanted;
                // An empty first item makes the framework send the status line and headers now.
                queue.addFirst(NOTHING);
            }
            if (closeNow) {
                closeStreams();
            }
            emitter.onRequest(n -> drain());
            look = scheduler.scheduleWithFixedDelay(this::heartbeat, LOOK.toMillis(), LOOK.toMillis(), TimeUnit.MILLISECONDS);
            drain();
        }

        @Override
        public void line(String service, String line) {
            offer((secrets.mask(service + " | " + line) + "\n").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void ended() {
            synchronized (this) {
                ended = true;
            }
            drain();
        }

        private void offer(byte[] bytes) {
            boolean drop = false;
            synchronized (this) {
                if (gone || ended) {
                    return;
                }
                if (queued + bytes.length > QUEUE_BYTES) {
                    gone = true;
                    drop = true;
                    dropLine = (DROPPED + "\n").getBytes(StandardCharsets.UTF_8);
                    queue.addLast(dropLine);
                } else {
                    queue.addLast(bytes);
                    queued += bytes.length;
                    mostQueued.accumulateAndGet(queued, Math::max);
                }
            }
            if (drop) {
                dropped.incrementAndGet();
                closeStreams();
            }
            drain();
        }

        private void heartbeat() {
            if (emitter.isCancelled()) {
                finish();
                return;
            }
            synchronized (this) {
                if (!queue.isEmpty() || ended || gone || clock.instant().isBefore(lastSent.plus(HEARTBEAT))) {
                    return;
                }
                queue.addLast(NEWLINE);
            }
            drain();
        }

        /** Emits what waits while the client asks for more; completes once the streams ended and all was taken. */
        private void drain() {
            if (draining.getAndIncrement() != 0) {
                return;
            }
            do {
                while (emitter.requested() > 0) {
                    byte[] next;
                    synchronized (this) {
                        next = queue.pollFirst();
                        if (next != null && next != NEWLINE && next != NOTHING && next != dropLine) {
                            queued -= next.length;
                        }
                    }
                    if (next == null) {
                        break;
                    }
                    emitter.emit(next);
                    lastSent = clock.instant();
                }
                boolean complete;
                synchronized (this) {
                    complete = !completed && queue.isEmpty() && (ended || gone) && follower != null;
                    completed |= complete;
                }
                if (complete) {
                    emitter.complete();
                }
            } while (draining.decrementAndGet() != 0);
        }

        private void closeStreams() {
            LogFollower f;
            synchronized (this) {
                closeWanted = true;
                f = closedIt ? null : follower;
                closedIt |= f != null;
            }
            if (f != null) {
                f.close();
                following.decrementAndGet();
            }
        }

        /** The request ended (completed, or the client went): its streams and its look end too. */
        private void finish() {
            synchronized (this) {
                gone = true;
                queue.clear();
            }
            closeStreams();
            if (look != null) {
                look.cancel(false);
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        scheduler.shutdownNow();
    }
}
