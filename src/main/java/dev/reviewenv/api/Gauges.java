package dev.reviewenv.api;

import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.job.Jobs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The gauges of {@code /q/metrics}: environments by status ({@code reviewenv_environments}), read
 * from the records at most every few seconds, and the length of the job queue.
 */
@Singleton
public class Gauges {
    /** The statuses a record can hold (a stopped environment has none). */
    private static final List<EnvironmentRecord.Status> STATUSES = java.util.Arrays.stream(EnvironmentRecord.Status.values())
            .filter(s -> s != EnvironmentRecord.Status.STOPPED).toList();
    private static final long FRESH_MS = 5000;

    private final RecordStore records;
    private final Jobs jobs;
    private volatile Map<EnvironmentRecord.Status, Long> counts = Map.of();
    private volatile long countedAt;
    private final List<Meter> registered = new ArrayList<>();

    public Gauges(RecordStore records, Jobs jobs) {
        this.records = records;
        this.jobs = jobs;
    }

    void register(@Observes StartupEvent event, MeterRegistry meters) {
        for (EnvironmentRecord.Status status : STATUSES) {
            registered.add(Gauge.builder("reviewenv.environments", () -> count(status)).tag("status", status.key())
                    .description("environments by status").register(meters));
        }
        registered.add(Gauge.builder("reviewenv.jobs.queued", () -> {
            try {
                return jobs.queued().size();
            } catch (RuntimeException redisDown) {
                return Double.NaN;
            }
        }).description("jobs waiting in the queue").register(meters));
    }

    /** A gauge outlives nothing: an application started again in the same JVM (as the tests do) registers its own. */
    void unregister(@Observes ShutdownEvent event, MeterRegistry meters) {
        registered.forEach(meters::remove);
        registered.clear();
    }

    private double count(EnvironmentRecord.Status status) {
        if (System.currentTimeMillis() - countedAt > FRESH_MS) {
            counts = records.list().stream().collect(Collectors.groupingBy(EnvironmentRecord::status, Collectors.counting()));
            countedAt = System.currentTimeMillis();
        }
        return counts.getOrDefault(status, 0L);
    }

}
