package dev.reviewenv.api;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bound on failed sign-ins, for {@code /login} and for HTTP basic auth alike: at most
 * {@link #MAX_FAILURES} a {@link #WINDOW} per user name and per client address. Past it, a
 * sign-in is refused (429 with {@code Retry-After}) before any password hash is computed. What is
 * remembered is bounded too: the {@link #MAX_KEYS} most recently failing users and addresses.
 */
@Singleton
public class SignInLimits {
    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    public SignInLimits(Clock clock) {
        this.clock = clock;
    }

    /** How long a sign-in as {@code user} (null: none given) from {@code address} must wait, when it must. */
    public synchronized Optional<Duration> wait(String user, String address) {
        Instant now = clock.instant();
        Optional<Duration> byAddress = wait("address " + address, now);
        Optional<Duration> byUser = user == null ? Optional.empty() : wait("user " + user, now);
        if (byAddress.isPresent() && byUser.isPresent()) {
            return Optional.of(byAddress.get().compareTo(byUser.get()) > 0 ? byAddress.get() : byUser.get());
        }
        return byAddress.isPresent() ? byAddress : byUser;
    }

    /** Counts a failed sign-in against both the user and the address. */
    public synchronized void failed(String user, String address) {
        Instant now = clock.instant();
        count("address " + address, now);
        if (user != null) {
            count("user " + user, now);
        }
    }

    private Optional<Duration> wait(String key, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Optional.empty();
        }
        prune(times, now);
        if (times.size() < MAX_FAILURES) {
            return Optional.empty();
        }
        Duration left = Duration.between(now, times.peekFirst().plus(WINDOW));
        return Optional.of(left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left);
    }

    private void count(String key, Instant now) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        prune(times, now);
        times.addLast(now);
        while (times.size() > MAX_FAILURES) {
            times.removeFirst();
        }
    }

    private static void prune(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(WINDOW).isAfter(now)) {
            times.removeFirst();
        }
    }

    /** The {@code Retry-After} value for a wait: whole seconds, at least one. */
    static String retryAfter(Duration wait) {
        return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
    }
}
