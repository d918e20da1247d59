package dev.reviewenv.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollerTest {
    /** A clock that moves a second each time it is read: the wall does not decide when a wait ends. */
    static final class Ticking extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        @Override
        public synchronized Instant instant() {
            Instant at = now;
            now = now.plusSeconds(1);
            return at;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void theWaitEndsWhenTheClockSaysSoNotTheWall() {
        AtomicInteger asked = new AtomicInteger();
        boolean done = new Poller(new Ticking(), Duration.ofMillis(1)).until(Duration.ofSeconds(5), () -> {
            asked.incrementAndGet();
            return false;
        });
        assertFalse(done);
        // Read at 0 (the deadline is 5), then once per question: 1, 2, 3, 4 before it, 5 on it; the last is asked too.
        assertEquals(5, asked.get());
    }

    @Test
    void aYesEndsTheWaitAtOnceAndAZeroLimitStillAsksOnce() {
        AtomicInteger asked = new AtomicInteger();
        Poller poller = new Poller(Clock.systemUTC(), Duration.ofMillis(1));
        assertTrue(poller.until(Duration.ofMinutes(1), () -> asked.incrementAndGet() == 3));
        assertEquals(3, asked.get());
        assertTrue(poller.until(Duration.ZERO, () -> true));
        assertFalse(poller.until(Duration.ZERO, () -> false));
    }

    @Test
    void whatTheQuestionThrowsEndsTheWaitAndAnInterruptToo() {
        Poller poller = new Poller(Clock.systemUTC(), Duration.ofMillis(1));
        assertThrows(IllegalArgumentException.class, () -> poller.until(Duration.ofMinutes(1), () -> {
            throw new IllegalArgumentException("failed");
        }));
        Thread.currentThread().interrupt();
        assertThrows(IllegalStateException.class, () -> poller.until(Duration.ofMinutes(1), () -> false));
        assertTrue(Thread.interrupted(), "the interrupt flag is set again");
        assertThrows(IllegalArgumentException.class, () -> new Poller(Clock.systemUTC(), Duration.ZERO));
    }
}
