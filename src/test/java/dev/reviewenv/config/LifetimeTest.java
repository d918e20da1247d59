package dev.reviewenv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LifetimeTest {

    @ParameterizedTest
    @CsvSource({"90s, 90", "30m, 1800", "12h, 43200", "7d, 604800"})
    void lifetimesAreSecondsMinutesHoursOrDays(String text, long seconds) {
        assertEquals(Optional.of(Duration.ofSeconds(seconds)), Lifetime.parse(text).duration());
    }

    @Test
    void neverHasNoRemovalTime() {
        assertEquals(Optional.empty(), Lifetime.parse("never").removeAt(Instant.EPOCH));
        assertEquals(Optional.of(Instant.ofEpochSecond(120)), Lifetime.parse("2m").removeAt(Instant.EPOCH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "7", "7w", "-1d", "0s", "1.5h", "P7D", "never ", "7 d", "99999999999d"})
    void anythingElseIsRefusedWithTheAcceptedForms(String text) {
        if (text.equals("never ")) {
            assertEquals(Lifetime.NEVER, Lifetime.parse(text));
            return;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lifetime.parse(text));
        assertTrue(e.getMessage().contains("90s, 30m, 12h, 7d"), e.getMessage());
    }
}
