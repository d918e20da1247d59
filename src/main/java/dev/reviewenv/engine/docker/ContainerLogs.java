package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.reviewenv.engine.stack.LogFollower;
import dev.reviewenv.engine.stack.LogQuery;
import dev.reviewenv.engine.stack.LogSink;
import dev.reviewenv.engine.stack.LogsBusy;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The containers' own output over the Docker API ({@code GET /containers/{id}/logs}, timestamps
 * on, stdout and stderr): one stream per container, the multiplexed frames cut into whole lines
 * per container and per stream, so a line is never split nor mixed with another container's. It
 * has a Docker client of its own: a followed log is silent for as long as its service is, which the
 * main client's response timeout would cut, and each open stream holds a connection (and one of
 * docker-java's threads), which must not take the main client's pool. {@link #MAX_STREAMS} bounds
 * them over all readers.
 */
public class ContainerLogs implements Closeable {
    /** The most log streams open at once, over every reader. */
    static final int MAX_STREAMS = 64;
    /** A line longer than this is handed on in pieces of this size: no reader's memory is a container's to fill. */
    static final int MAX_LINE = 64 * 1024;

    /**
     * Which containers are an environment's and how their service is named: the labels they all
     * carry, the label that names the service, and what to drop from its value ({@code <stack>_} on a swarm).
     */
    public record Selector(Map<String, String> labels, String serviceLabel, String servicePrefix) {
        String service(Map<String, String> of) {
            String value = of == null ? null : of.get(serviceLabel);
            if (value == null) {
                return "?";
            }
            return value.startsWith(servicePrefix) ? value.substring(servicePrefix.length()) : value;
        }
    }

    private final DockerClient client;
    private final AtomicInteger open = new AtomicInteger();

    /** Logs of the engine {@code config} names (the one its {@link DockerEngine} speaks to). */
    ContainerLogs(DockerClientConfig config) {
        // No response timeout: a followed log waits for as long as its service is silent.
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(10))
                .maxConnections(MAX_STREAMS + 4)
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    /** The log streams open now, over every reader. */
    public int openStreams() {
        return open.get();
    }

    /**
     * Opens one stream per container the selector finds (running or not: an ended container's
     * last words are worth reading), of {@code service} only when given; returns at once.
     */
    public LogFollower follow(Selector selector, Optional<String> service, LogQuery query, LogSink sink) {
        Map<String, String> labels = new HashMap<>(selector.labels());
        service.ifPresent(s -> labels.put(selector.serviceLabel(), selector.servicePrefix() + s));
        List<Container> containers = client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
        reserve(containers.size());
        Follower follower = new Follower(sink, containers.size());
        if (containers.isEmpty()) {
            sink.ended();
            return follower;
        }
        for (Container c : containers) {
            Stream stream = new Stream(follower, selector.service(c.getLabels()), query.since());
            follower.streams.add(stream);
        }
        for (int i = 0; i < containers.size(); i++) {
            LogContainerCmd command = client.logContainerCmd(containers.get(i).getId()).withStdOut(true).withStdErr(true)
                    .withTimestamps(true).withFollowStream(query.follow()).withTail(query.tail());
            // Docker takes whole seconds; the lines of the second before since are dropped by their stamps.
            query.since().ifPresent(at -> command.withSince((int) Math.min(Integer.MAX_VALUE, at.getEpochSecond())));
            try {
                command.exec(follower.streams.get(i));
            } catch (RuntimeException e) {
                follower.streams.get(i).end();
            }
        }
        return follower;
    }

    private void reserve(int streams) {
        while (true) {
            int now = open.get();
            if (now + streams > MAX_STREAMS) {
                throw new LogsBusy(now + " container log streams are open and this reader asks " + streams + " more (at most "
                        + MAX_STREAMS + " at once); try again when other readers have gone");
            }
            if (open.compareAndSet(now, now + streams)) {
                return;
            }
        }
    }

    /** The streams of one reader; the sink hears {@code ended} once, when the last ends by itself. */
    private final class Follower implements LogFollower {
        final LogSink sink;
        final List<Stream> streams = new ArrayList<>();
        final AtomicInteger running;
        final AtomicBoolean closed = new AtomicBoolean();

        Follower(LogSink sink, int count) {
            this.sink = sink;
            this.running = new AtomicInteger(count);
        }

        void streamEnded() {
            open.decrementAndGet();
            if (running.decrementAndGet() == 0 && !closed.get()) {
                sink.ended();
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                streams.forEach(Stream::close);
            }
        }
    }

    /** One container's stream: docker-java calls it from the stream's own thread. */
    private static final class Stream implements ResultCallback<Frame> {
        private final Follower follower;
        private final String service;
        private final Optional<Instant> since;
        private final FrameLines lines = new FrameLines(MAX_LINE, this::hand);
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Closeable response;
        private volatile boolean closing;

        Stream(Follower follower, String service, Optional<Instant> since) {
            this.follower = follower;
            this.service = service;
            this.since = since;
        }

        @Override
        public void onStart(Closeable stream) {
            response = stream;
            if (closing) {
                quietly(stream);
            }
        }

        @Override
        public void onNext(Frame frame) {
            if (!closing) {
                lines.add(frame.getStreamType(), frame.getPayload());
            }
        }

        private void hand(String text) {
            if (!closing && stampedSince(text)) {
                follower.sink.line(service, text);
            }
        }

        /** Whether the line's stamp is at or after {@code since} (a line without a readable stamp is kept). */
        private boolean stampedSince(String text) {
            if (since.isEmpty()) {
                return true;
            }
            int space = text.indexOf(' ');
            try {
                return !Instant.parse(space < 0 ? text : text.substring(0, space)).isBefore(since.get());
            } catch (DateTimeParseException unstamped) {
                return true;
            }
        }

        @Override
        public void onError(Throwable failure) {
            // The container went away, or this stream was closed: either way it has ended.
            end();
        }

        @Override
        public void onComplete() {
            lines.flush();
            end();
        }

        void end() {
            if (ended.compareAndSet(false, true)) {
                follower.streamEnded();
            }
        }

        @Override
        public void close() {
            closing = true;
            Closeable r = response;
            if (r != null) {
                quietly(r);
            }
            end();
        }

        private static void quietly(Closeable c) {
            try {
                c.close();
            } catch (IOException | RuntimeException alreadyGone) {
                // closed is what was wanted
            }
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
