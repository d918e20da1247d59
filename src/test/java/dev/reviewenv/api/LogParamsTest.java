package dev.reviewenv.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.engine.stack.LogQuery;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The log parameters: defaults, bounds, and each form of since, with errors that name the parameter. */
class LogParamsTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void nothingGivenIsTheLast200LinesFollowed() {
        assertEquals(new LogQuery(200, true, Optional.empty()), LogParams.parse(null, null, null, NOW));
        assertEquals(new LogQuery(200, true, Optional.empty()), LogParams.parse("", "", "", NOW));
    }

    @Test
    void tailIsZeroToTenThousand() {
        assertEquals(0, LogParams.parse("0", null, null, NOW).tail());
        assertEquals(10_000, LogParams.parse("10000", null, null, NOW).tail());
        for (String bad : new String[] {"10001", "-1", "many", "1e3", "99999999999"}) {
            ApiException e = assertThrows(ApiException.class, () -> LogParams.parse(bad, null, null, NOW));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().startsWith("tail: '" + bad + "'") && e.getMessage().contains("10000"), e.getMessage());
        }
    }

    @Test
    void followIsTrueOrFalse() {
        assertEquals(false, LogParams.parse(null, "false", null, NOW).follow());
        assertEquals(true, LogParams.parse(null, "true", null, NOW).follow());
        ApiException e = assertThrows(ApiException.class, () -> LogParams.parse(null, "yes", null, NOW));
        assertTrue(e.getMessage().startsWith("follow: 'yes'"), e.getMessage());
    }

    @Test
    void sinceIsAnRfc3339TimeUnixSecondsOrADurationAgo() {
        assertEquals(Instant.parse("2024-05-01T10:00:00Z"), since("2024-05-01T10:00:00Z"));
        assertEquals(Instant.parse("2024-05-01T08:00:00.25Z"), since("2024-05-01T10:00:00.25+02:00"));
        assertEquals(Instant.parse("2024-05-01T10:00:00.123456789Z"), since("2024-05-01t10:00:00.123456789z"));
        assertEquals(Instant.ofEpochSecond(1714557600), since("1714557600"));
        assertEquals(Instant.ofEpochSecond(1714557600, 500_000_000), since("1714557600.5"));
        assertEquals(NOW.minusSeconds(600), since("10m"));
        assertEquals(NOW.minusSeconds(3600), since("1h"));
        assertEquals(NOW.minusSeconds(90), since("90s"));
        assertEquals(NOW.minusSeconds(2 * 86400), since("2d"));
        for (String bad : new String[] {"yesterday", "10 m", "1w", "2024-05-01", "2024-05-01T10:00:00", "2024-13-01T10:00:00Z", "-5"}) {
            ApiException e = assertThrows(ApiException.class, () -> LogParams.parse(null, null, bad, NOW), bad);
            assertEquals(400, e.status());
            assertTrue(e.getMessage().startsWith("since: '" + bad + "'") && e.getMessage().contains("RFC 3339")
                    && e.getMessage().contains("Unix seconds") && e.getMessage().contains("10m"), e.getMessage());
        }
    }

    private static Instant since(String v) {
        return LogParams.parse(null, null, v, NOW).since().orElseThrow();
    }
}
