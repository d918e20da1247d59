package dev.reviewenv.deploy;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.docker.DockerEngine;
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

    private final DockerEngine docker;
    private final ReviewenvConfig config;
    private final Clock clock;

    public Readiness(DockerEngine docker, ReviewenvConfig config, Clock clock) {
        this.docker = docker;
        this.config = config;
        this.clock = clock;
    }

    public void await(EnvironmentName name, Consumer<String> out) {
        Duration timeout = config.compose().readyTimeout();
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            List<DockerEngine.ProjectContainer> containers = docker.containers(name);
            if (containers.isEmpty()) {
                throw new IllegalStateException("compose up started no container for " + name);
            }
            for (DockerEngine.ProjectContainer c : containers) {
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
        for (DockerEngine.ProjectContainer c : docker.containers(name)) {
            if (c.failed()) {
                throw new IllegalStateException(failure(c));
            }
        }
    }

    private String failure(DockerEngine.ProjectContainer c) {
        List<String> logs = docker.logTail(c.id(), 20);
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
