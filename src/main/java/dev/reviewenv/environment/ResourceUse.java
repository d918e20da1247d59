package dev.reviewenv.environment;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.EnvironmentName;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each running environment uses, sampled from the Docker engine every 30 seconds in the
 * background (a sample takes the engine about a second), so listing environments never waits
 * for it, and only while someone looks (the API or the dashboard asked within the last two
 * minutes): sampling costs the engine work that deploys need. A sleeping or ended environment
 * has no sample.
 */
@Singleton
public class ResourceUse {
    /** One sample: memory in bytes, CPU in percent of one CPU, processes, all containers together. */
    public record Sample(long memory, double cpuPercent, long pids, Instant at) {
    }

    private final RecordStore records;
    private final StackEngine engine;
    private final ReviewenvConfig config;
    private final Clock clock;
    private static final java.time.Duration WATCHED = java.time.Duration.ofMinutes(2);

    private final Map<EnvironmentName, Sample> samples = new ConcurrentHashMap<>();
    private volatile Instant lastAsked = Instant.EPOCH;

    public ResourceUse(RecordStore records, StackEngine engine, ReviewenvConfig config, Clock clock) {
        this.records = records;
        this.engine = engine;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "30s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (config.mode() == ReviewenvConfig.Mode.SERVICE && lastAsked.plus(WATCHED).isAfter(clock.instant())) {
            try {
                sample();
            } catch (RuntimeException e) {
                Log.warnf("could not sample what the environments use: %s", e.getMessage());
            }
        }
    }

    /** Samples every running environment now. */
    public void sample() {
        java.util.Set<EnvironmentName> running = engine.environmentsRunning();
        samples.keySet().retainAll(running);
        for (EnvironmentName name : running) {
            boolean recorded = records.read(name).map(r -> r.status() == EnvironmentRecord.Status.RUNNING).orElse(false);
            Optional<StackEngine.Usage> usage = recorded ? engine.usage(name) : Optional.empty();
            usage.ifPresentOrElse(u -> samples.put(name, new Sample(u.memory(), Math.round(u.cpuPercent() * 10) / 10.0, u.pids(),
                    clock.instant())), () -> samples.remove(name));
        }
    }

    /** The last sample of a running environment, if there is one; asking keeps the sampling going. */
    public Optional<Sample> of(EnvironmentName name) {
        lastAsked = clock.instant();
        return Optional.ofNullable(samples.get(name));
    }
}
