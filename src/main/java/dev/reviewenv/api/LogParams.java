package dev.reviewenv.api;

import dev.reviewenv.engine.stack.LogQuery;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of {@code GET /api/environments/{name}/logs} made into a {@link LogQuery}, each
 * refused with a 400 that names the parameter and the forms it takes: {@code tail} 0 to
 * {@value LogQuery#MAX_TAIL} (default {@value LogQuery#DEFAULT_TAIL}), {@code follow} true or false
 * (default true), {@code since} an RFC 3339 time, Unix seconds, or a duration ago ({@code 10m}).
 */
final class LogParams {
    static final String SINCE_FORMS = "an RFC 3339 time (2024-05-01T10:00:00Z), Unix seconds (1714557600) or a duration"
            + " ago (90s, 10m, 1h, 2d)";
    /** What the OpenAPI document says of since, checked by the same patterns. */
    static final String SINCE_PATTERN = "^([0-9]{1,12}(\\.[0-9]{1,9})?|[0-9]{1,9}[smhd]|[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:"
            + "[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2}))$";
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,9})?");
    private static final Pattern AGO = Pattern.compile("([0-9]{1,9})([smhd])");

    private LogParams() {
    }

    static LogQuery parse(String tail, String follow, String since, Instant now) {
        return new LogQuery(tail(tail), follow(follow), since(since, now));
    }

    private static int tail(String tail) {
        if (tail == null || tail.isEmpty()) {
            return LogQuery.DEFAULT_TAIL;
        }
        try {
            int n = Integer.parseInt(tail.trim());
            if (n >= 0 && n <= LogQuery.MAX_TAIL) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw bad("tail: '" + tail + "' is not a number of lines from 0 to " + LogQuery.MAX_TAIL + " (default "
                + LogQuery.DEFAULT_TAIL + ")");
    }

    private static boolean follow(String follow) {
        if (follow == null || follow.isEmpty() || follow.equals("true")) {
            return true;
        }
        if (follow.equals("false")) {
            return false;
        }
        throw bad("follow: '" + follow + "' is neither true (the default: stream until you close) nor false (end after the tail)");
    }

    private static Optional<Instant> since(String since, Instant now) {
        if (since == null || since.isEmpty()) {
            return Optional.empty();
        }
        String v = since.trim();
        if (SECONDS.matcher(v).matches()) {
            BigDecimal seconds = new BigDecimal(v);
            return Optional.of(Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue()));
        }
        Matcher ago = AGO.matcher(v);
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Optional.of(now.minus(d));
        }
        if (v.matches(SINCE_PATTERN)) {
            try {
                return Optional.of(OffsetDateTime.parse(v.toUpperCase(java.util.Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant());
            } catch (DateTimeParseException e) {
                throw bad("since: '" + since + "' is not a valid time (" + e.getMessage() + "); write " + SINCE_FORMS);
            }
        }
        throw bad("since: '" + since + "' is not a time; write " + SINCE_FORMS);
    }

    private static ApiException bad(String detail) {
        return new ApiException(400, "bad request", detail);
    }
}
