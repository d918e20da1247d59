package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Whole lines out of Docker's multiplexed frames (a container's logs, an exec's output): stdout's
 * and stderr's kept apart, so neither splits the other's line; a line longer than the bound is handed
 * on in pieces of that size (no container fills a reader's memory); a trailing carriage return
 * (a TTY's) is dropped. Not thread-safe: one stream's frames come from one thread.
 */
final class FrameLines {
    private final int maxLine;
    private final Consumer<String> out;
    private final Map<StreamType, ByteArrayOutputStream> partial = new EnumMap<>(StreamType.class);

    FrameLines(int maxLine, Consumer<String> out) {
        this.maxLine = maxLine;
        this.out = out;
    }

    /** Takes one frame's payload; hands on every line it completes. */
    void add(StreamType stream, byte[] bytes) {
        ByteArrayOutputStream line = partial.computeIfAbsent(stream, t -> new ByteArrayOutputStream());
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line.write(bytes, from, i - from);
                hand(line);
                from = i + 1;
            } else if (line.size() + (i - from) >= maxLine) {
                line.write(bytes, from, i - from);
                hand(line);
                from = i;
            }
        }
        line.write(bytes, from, bytes.length - from);
    }

    /** Hands on what is left of each stream's last line (the stream ended without a newline). */
    void flush() {
        partial.values().stream().filter(b -> b.size() > 0).forEach(this::hand);
    }

    private void hand(ByteArrayOutputStream bytes) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        out.accept(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    }
}
