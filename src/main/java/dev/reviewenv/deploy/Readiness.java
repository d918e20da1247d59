package dev.reviewenv.deploy;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Waits until an environment's containers run (and are healthy, where they say how)
 * ({@link #await}), and checks that they still do {@link #SETTLE} after that ({@link #settle}), so
 * a container that dies right after its start is caught. A container that fails is reported with
 * its last lines.
 */
@Singleton
public class Readiness {
    /** How long the containers must keep running once they all are. */
    static final Duration SETTLE = Duration.ofMillis(300);
    private static final Duration POLL = Duration.ofMillis(50);

    private final StackEngine engine;
    private final ReviewenvConfig config;
    private final Clock clock;

    public Readiness(StackEngine engine, ReviewenvConfig config, Clock clock) {
        this.engine = engine;
        this.config = config;
        this.clock = clock;
    }

    public void await(EnvironmentName name, Consumer<String> out) {
        Duration timeout = config.compose().readyTimeout();
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            List<StackEngine.Unit> containers = engine.units(name);
            if (containers.isEmpty()) {
                throw new IllegalStateException(engine.kind() + " started no container for " + name);
            }
            for (StackEngine.Unit c : containers) {
                if (c.failed()) {
                    throw new IllegalStateException(failure(c));
                }
            }
            if (containers.stream().allMatch(c -> c.ready() || "exited".equals(c.state()))) {
                out.accept("containers ready: " + containers.stream().map(c -> c.name() + " " + c.state()).toList());
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("containers not ready within " + timeout.toSeconds() + " s: "
                        + containers.stream().map(c -> c.name() + " " + c.state() + (c.health() == null ? "" : "/" + c.health())).toList());
            }
            sleep(POLL);
        }
    }

    /** Throws when a container that was ready {@link #SETTLE} ago has failed since. */
    public void settle(EnvironmentName name) {
        sleep(SETTLE);
        for (StackEngine.Unit c : engine.units(name)) {
            if (c.failed()) {
                throw new IllegalStateException(failure(c));
            }
        }
    }

    private String failure(StackEngine.Unit c) {
        List<String> logs = engine.logTail(c, 20);
        return "container " + c.name() + " of service " + c.service() + " is " + c.state()
                + (c.exitCode() == null ? "" : " (exit " + c.exitCode() + ")")
                + (c.health() == null ? "" : ", " + c.health()) + "; its last lines:\n" + String.join("\n", logs);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
