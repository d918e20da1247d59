package dev.reviewenv.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignInLimitsTest {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    final SignInLimits limits = new SignInLimits(clock);

    @Test
    void theEleventhFailureInAMinuteWaitsUntilTheFirstIsAMinuteOld() {
        for (int i = 0; i < SignInLimits.MAX_FAILURES; i++) {
            assertEquals(Optional.empty(), limits.wait("alice", "10.0.0.1"), "attempt " + (i + 1));
            limits.failed("alice", "10.0.0.1");
            now = now.plusSeconds(1);
        }
        Optional<Duration> wait = limits.wait("alice", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(50)), wait, "the first failure is 10 s old: 50 s to go");
        assertEquals("50", SignInLimits.retryAfter(wait.get()));
        now = now.plusSeconds(50);
        assertEquals(Optional.empty(), limits.wait("alice", "10.0.0.1"), "a minute after the first, one more may try");
    }

    @Test
    void aUserIsLimitedFromEveryAddressAndAnAddressForEveryUser() {
        for (int i = 0; i < SignInLimits.MAX_FAILURES; i++) {
            limits.failed("alice", "10.0.0." + i);
        }
        assertTrue(limits.wait("alice", "10.0.0.99").isPresent(), "alice from a new address");
        assertEquals(Optional.empty(), limits.wait("bob", "10.0.0.99"), "bob is not alice");
        for (int i = 0; i < SignInLimits.MAX_FAILURES; i++) {
            limits.failed("user" + i, "192.168.1.1");
        }
        assertTrue(limits.wait("carol", "192.168.1.1").isPresent(), "any user from an address that guessed ten times");
        assertTrue(limits.wait(null, "192.168.1.1").isPresent(), "also with no user (a token sign-in)");
    }

    @Test
    void whatIsRememberedIsBounded() {
        for (int i = 0; i < SignInLimits.MAX_KEYS + 500; i++) {
            limits.failed("user" + i, "10.1.0.1");
        }
        // The newest are remembered: the address, failing on every one, is limited.
        assertTrue(limits.wait(null, "10.1.0.1").isPresent());
    }
}
