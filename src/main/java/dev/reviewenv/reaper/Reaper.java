package dev.reviewenv.reaper;

import dev.reviewenv.capacity.Capacity;
import dev.reviewenv.deploy.Seeding;
import dev.reviewenv.capacity.Sleep;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.traefik.TraefikContainer;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.teardown.EndReason;
import dev.reviewenv.teardown.Teardown;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One pass of the reaper, the same whether the scheduler runs it in the service or
 * {@code reviewenv reap} runs it once from cron or a systemd timer. The records are the truth (a
 * {@code removeat} edited by hand is honoured, none means never); {@link Dues} says what is due
 * and why, including the reconcile both ways against Docker and against the branches of the bare
 * repositories. Each ending runs under the environment's lock; an environment whose lock is busy
 * (a deploy or stop runs) is left for the next pass, so one stuck environment never holds up the
 * others. One that fails is reported and retried next pass, at most {@link #MAX_FAILURES} times.
 * Then the disk floor is enforced ({@link Capacity}), idle environments are put to sleep
 * ({@link Sleep}), and environments that lost tasks with a swarm node are reported and placed anew
 * ({@link NodeLoss}).
 */
@Singleton
public class Reaper {
    public static final int MAX_FAILURES = 5;

    private final Seeding seeding;
    private final RecordStore records;
    private final Dues dues;
    private final Teardown teardown;
    private final EnvironmentLocks locks;
    private final ExpiryWarnings warnings;
    private final Capacity capacity;
    private final Sleep sleep;
    private final NodeLoss nodeLoss;
    private final MeterRegistry meters;
    private final TraefikContainer traefik;

    public Reaper(RecordStore records, Dues dues, Teardown teardown, EnvironmentLocks locks, ExpiryWarnings warnings,
            Capacity capacity, Sleep sleep, NodeLoss nodeLoss, TraefikContainer traefik, Seeding seeding, MeterRegistry meters) {
        this.traefik = traefik;
        this.seeding = seeding;
        this.capacity = capacity;
        this.sleep = sleep;
        this.nodeLoss = nodeLoss;
        this.records = records;
        this.dues = dues;
        this.teardown = teardown;
        this.locks = locks;
        this.warnings = warnings;
        this.meters = meters;
    }

    /** What a pass did or, in a dry run, would do: one line per environment. */
    public record Report(List<String> reaped, List<String> failed, List<String> skipped) {
        public boolean ok() {
            return failed.isEmpty();
        }

        public List<String> lines() {
            List<String> all = new ArrayList<>(reaped);
            all.addAll(failed);
            all.addAll(skipped);
            return all;
        }
    }

    public Report reap(Instant now, boolean dryRun) {
        long started = System.nanoTime();
        List<String> reaped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<EndReason> ended = new ArrayList<>();
        if (!dryRun) {
            try {
                reaped.addAll(seeding.recover());
            } catch (RuntimeException e) {
                failed.add("could not look for containers left paused by a copy: " + e.getMessage());
            }
        }
        for (Dues.Ending e : dues.at(now, skipped)) {
            if (dryRun) {
                reaped.add("would reap " + e.name() + " (" + e.reason() + ")");
                continue;
            }
            Optional<EnvironmentLocks.Held> lock = locks.tryHold(e.name());
            if (lock.isEmpty()) {
                skipped.add("left " + e.name() + " for the next pass: a deploy or stop of it is running");
                continue;
            }
            try (EnvironmentLocks.Held held = lock.get()) {
                end(e, now, reaped, failed, skipped).ifPresent(ended::add);
            }
        }
        // The records as they are after the endings, looked at once for the rest of the pass (each
        // step that acts on one looks at it again under its lock).
        List<EnvironmentRecord> all = records.list();
        if (!dryRun) {
            try {
                Capacity.FloorPass floor = capacity.enforceFloor();
                reaped.addAll(floor.lines());
                floor.evicted().forEach(name -> ended.add(EndReason.EVICTED));
                if (!floor.evicted().isEmpty()) {
                    all = records.list();
                }
                sleep.sleepIdle(now, all).forEach(reaped::add);
                nodeLoss.check().forEach(reaped::add);
                rejoin(all).forEach(reaped::add);
            } catch (RuntimeException e) {
                failed.add("could not look at the disk floor, idle environments, lost nodes and Traefik's networks: "
                        + e.getMessage());
            }
            int warned = warnings.send(now, all);
            if (warned > 0) {
                Log.infof("%d environment(s) warned that they expire soon", warned);
            }
        }
        reaped.forEach(Log::info);
        skipped.forEach(Log::warn);
        long ms = (System.nanoTime() - started) / 1_000_000;
        meters.timer("reviewenv.reaper.pass", "dry-run", Boolean.toString(dryRun)).record(java.time.Duration.ofMillis(ms));
        // Environments ended, by reason; not the pass's other lines (sleeps, cache trims, lost nodes, what a dry run would do).
        ended.forEach(reason -> meters.counter("reviewenv.reaper.ended", "reason", reason.key()).increment());
        meters.counter("reviewenv.failures", "reason", "teardown").increment(failed.size());
        Log.infof("reaper pass over %d records: %d ended, %d failed, %d left, in %d ms", all.size(), ended.size(),
                failed.size(), skipped.size(), ms);
        return new Report(reaped, failed, skipped);
    }

    /**
     * Traefik on the routing network of every environment that has one (a Traefik container made
     * anew, by a restart of its unit, is on none of them): what had to be joined again, one line each.
     */
    private List<String> rejoin(List<EnvironmentRecord> all) {
        Set<String> joined = traefik.networks();
        List<String> lines = new ArrayList<>();
        for (EnvironmentRecord r : all) {
            String network = r.upOrAsleep() ? r.routingNetwork() : null;
            if (network != null && !joined.contains(network)) {
                try {
                    lines.add(traefik.join(network) ? "Traefik joined the routing network of " + r.name() + " again"
                            : traefik.missing(network));
                } catch (RuntimeException e) {
                    lines.add("Traefik could not join the routing network of " + r.name() + ": " + e.getMessage());
                }
            }
        }
        return lines;
    }

    /** Ends one environment that is due; returns why, when it ended. */
    private Optional<EndReason> end(Dues.Ending e, Instant now, List<String> reaped, List<String> failed, List<String> skipped) {
        Optional<EndReason> still;
        try {
            still = dues.still(e.name(), now);
        } catch (RuntimeException unreadable) {
            failed.add("failed to check " + e.name() + ": " + unreadable.getMessage());
            return Optional.empty();
        }
        if (still.isEmpty()) {
            return Optional.empty();
        }
        Optional<EnvironmentRecord> record = records.read(e.name());
        if (record.isPresent() && record.get().failures() >= MAX_FAILURES) {
            skipped.add("gave up on " + e.name() + " after " + MAX_FAILURES
                    + " failed teardowns; see its history, fix the cause, then DELETE /api/environments/" + e.name());
            return Optional.empty();
        }
        try {
            teardown.remove(e.name(), still.get(), null, line -> Log.debugf("%s: %s", e.name(), line));
            reaped.add("reaped " + e.name() + " (" + still.get() + ")");
            return still;
        } catch (RuntimeException failure) {
            String why = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            failed.add("failed to reap " + e.name() + " (" + still.get() + "): " + why.lines().findFirst().orElse(why));
            Log.errorf("teardown of %s (%s) failed, retried next pass: %s", e.name(), still.get(), why);
            return Optional.empty();
        }
    }
}
