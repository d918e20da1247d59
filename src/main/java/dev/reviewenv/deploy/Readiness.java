package dev.reviewenv.deploy;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.time.Poller;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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
    private final Poller poller;

    public Readiness(StackEngine engine, ReviewenvConfig config, Clock clock) {
        this.engine = engine;
        this.config = config;
        this.poller = new Poller(clock, POLL);
    }

    public void await(EnvironmentName name, Consumer<String> out) {
        Duration timeout = config.compose().readyTimeout();
        AtomicReference<List<StackEngine.Unit>> seen = new AtomicReference<>(List.of());
        boolean ready = poller.until(timeout, () -> {
            List<StackEngine.Unit> containers = engine.units(name);
            seen.set(containers);
            if (containers.isEmpty()) {
                throw new IllegalStateException(engine.kind() + " started no container for " + name);
            }
            for (StackEngine.Unit c : containers) {
                if (c.failed()) {
                    throw new IllegalStateException(failure(c));
                }
            }
            return containers.stream().allMatch(c -> c.ready() || "exited".equals(c.state()));
        });
        List<StackEngine.Unit> containers = seen.get();
        if (!ready) {
            throw new IllegalStateException("containers not ready within " + timeout.toSeconds() + " s: "
                    + containers.stream().map(c -> c.name() + " " + c.state() + (c.health() == null ? "" : "/" + c.health())).toList());
        }
        out.accept("containers ready: " + containers.stream().map(c -> c.name() + " " + c.state()).toList());
    }

    /** Throws when a container that was ready {@link #SETTLE} ago has failed since. */
    public void settle(EnvironmentName name) {
        Poller.pause(SETTLE);
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
}
