package dev.reviewenv.environment;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.traefik.AccessLog;
import dev.reviewenv.naming.EnvironmentName;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * When each environment was last used. Traefik logs every request with the router that took it,
 * and each environment's router is named after it, so the access log tells the last request of
 * each environment without a proxy of reviewenv's own; it is read incrementally (every few
 * seconds in the service, and before each decision that depends on it) into each record's
 * {@code lastrequest}. With {@code reviewenv.lifetime-from=last-request} a request also moves
 * {@code removeat} to a lifetime after it.
 */
@Singleton
public class Activity {
    private final AccessLog log;
    private final RecordStore records;
    private final ReviewenvConfig config;

    public Activity(AccessLog log, RecordStore records, ReviewenvConfig config) {
        this.log = log;
        this.records = records;
        this.config = config;
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (config.mode() == ReviewenvConfig.Mode.SERVICE) {
            try {
                refresh();
            } catch (RuntimeException e) {
                Log.warnf("could not read Traefik's access log %s: %s", config.accessLogFile(), e.getMessage());
            }
        }
    }

    /** Reads what Traefik logged since the last call; returns how many environments were requested. */
    public synchronized int refresh() {
        Map<String, Instant> seen = log.readNew();
        int requested = 0;
        for (Map.Entry<String, Instant> e : seen.entrySet()) {
            Optional<EnvironmentName> name = EnvironmentName.parse(e.getKey());
            if (name.isPresent() && records.exists(name.get())) {
                requested(name.get(), e.getValue());
                requested++;
            }
        }
        return requested;
    }

    /** Notes a request to {@code name} at {@code at} (a later one than the recorded, or nothing changes). */
    public synchronized void requested(EnvironmentName name, Instant at) {
        Optional<Instant> known = records.lastRequest(name);
        if (known.isPresent() && !at.isAfter(known.get())) {
            return;
        }
        records.writeLastRequest(name, at);
        if (config.lifetimeFrom() == ReviewenvConfig.LifetimeFrom.LAST_REQUEST) {
            records.read(name).map(EnvironmentRecord::lifetime).flatMap(Activity::duration).ifPresent(lifetime -> {
                Optional<Instant> removeAt = records.removeAt(name);
                Instant later = at.plus(lifetime);
                if (removeAt.isPresent() && later.isAfter(removeAt.get())) {
                    records.writeRemoveAt(name, Optional.of(later));
                }
            });
        }
    }

    /** When the environment was last requested, if ever. */
    public Optional<Instant> lastRequest(EnvironmentName name) {
        return records.lastRequest(name);
    }

    /** When the environment was last used: its last request, or else its last deploy. */
    public Instant lastUsed(EnvironmentRecord record) {
        Instant deployed = record.deployedAt() != null ? record.deployedAt()
                : record.createdAt() != null ? record.createdAt() : Instant.EPOCH;
        return records.lastRequest(record.environmentName()).filter(r -> r.isAfter(deployed)).orElse(deployed);
    }

    private static Optional<Duration> duration(String lifetime) {
        try {
            return lifetime == null ? Optional.empty() : Lifetime.parse(lifetime).duration();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
