package dev.reviewenv.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long an environment lives after its last deploy: {@code 90s}, {@code 30m}, {@code 12h},
 * {@code 7d}, or {@code never}.
 */
public final class Lifetime {
    private static final Pattern FORM = Pattern.compile("([1-9][0-9]{0,8})([smhd])");
    public static final Lifetime NEVER = new Lifetime(null, "never");

    private final Duration duration;
    private final String text;

    private Lifetime(Duration duration, String text) {
        this.duration = duration;
        this.text = text;
    }

    /** Parses a lifetime; the message of the exception says which forms are accepted. */
    public static Lifetime parse(String value) {
        String v = value == null ? "" : value.trim();
        if (v.equals("never")) {
            return NEVER;
        }
        Matcher m = FORM.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a lifetime: write a whole number followed by"
                    + " s, m, h or d (90s, 30m, 12h, 7d), or never");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return new Lifetime(d, v);
    }

    public Optional<Duration> duration() {
        return Optional.ofNullable(duration);
    }

    /** The instant an environment deployed at {@code from} is removed, or empty for never. */
    public Optional<Instant> removeAt(Instant from) {
        return duration().map(from::plus);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lifetime l && l.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
