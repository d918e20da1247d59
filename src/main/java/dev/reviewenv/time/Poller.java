package dev.reviewenv.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The one way the service waits for something it cannot be told about: ask, pause, ask again,
 * until the answer is yes or a time limit has passed on the service's {@link Clock} (so a test's
 * clock decides when a wait is over, not the wall).
 */
public final class Poller {
    private final Clock clock;
    private final Duration pause;

    public Poller(Clock clock, Duration pause) {
        if (pause.isNegative() || pause.isZero()) {
            throw new IllegalArgumentException("a poller pauses for a positive time, not " + pause);
        }
        this.clock = clock;
        this.pause = pause;
    }

    /** The same clock, pausing {@code other} between questions. */
    public Poller pausing(Duration other) {
        return new Poller(clock, other);
    }

    /**
     * Asks {@code done} until it answers true (returns true), or until {@code limit} has passed
     * since the first question (returns false, after one last question). What {@code done} throws
     * ends the wait. An interrupt ends it too, with {@link IllegalStateException} and the thread's
     * interrupt flag set again.
     */
    public boolean until(Duration limit, BooleanSupplier done) {
        Instant deadline = clock.instant().plus(limit);
        while (true) {
            boolean past = !clock.instant().isBefore(deadline);
            if (done.getAsBoolean()) {
                return true;
            }
            if (past) {
                return false;
            }
            pause(pause);
        }
    }

    /** Sleeps {@code duration}; an interrupt ends it as in {@link #until}. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
