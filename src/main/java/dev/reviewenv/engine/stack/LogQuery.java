package dev.reviewenv.engine.stack;

import java.time.Instant;
import java.util.Optional;

/**
 * What a reader asks of an environment's service logs: the last {@code tail} lines of each
 * container (0 to {@link #MAX_TAIL}), then, with {@code follow}, what they print next; only lines
 * stamped at or after {@code since}, when given. Checked once, here; the API parses its
 * parameters into one.
 */
public record LogQuery(int tail, boolean follow, Optional<Instant> since) {
    /** The tail when none is asked for. */
    public static final int DEFAULT_TAIL = 200;
    /** The most lines of each container a reader may ask for before following. */
    public static final int MAX_TAIL = 10_000;

    public LogQuery {
        if (tail < 0 || tail > MAX_TAIL) {
            throw new IllegalArgumentException("tail: " + tail + " is not a number of lines from 0 to " + MAX_TAIL);
        }
        since = since == null ? Optional.empty() : since;
    }
}
