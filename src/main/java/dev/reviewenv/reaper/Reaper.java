package dev.reviewenv.reaper;

import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.teardown.EndReason;
import dev.reviewenv.teardown.Teardown;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One pass of the reaper, the same whether the scheduler runs it in the service or
 * {@code reviewenv reap} runs it once from cron or a systemd timer. It reads the records (the
 * truth: a {@code removeat} edited by hand is honoured, none means never) and reconciles both
 * ways against Docker: a stack with reviewenv's label but no record is reaped as an orphan, a
 * record whose stack is gone is cleaned. Each ending runs under the environment's lock; one that
 * fails is reported and retried next pass, at most {@link #MAX_FAILURES} times.
 */
@Singleton
public class Reaper {
    public static final int MAX_FAILURES = 5;

    private final RecordStore records;
    private final DockerEngine docker;
    private final Teardown teardown;
    private final EnvironmentLocks locks;

    public Reaper(RecordStore records, DockerEngine docker, Teardown teardown, EnvironmentLocks locks) {
        this.records = records;
        this.docker = docker;
        this.teardown = teardown;
        this.locks = locks;
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

    private record Ending(EnvironmentName name, EndReason reason) {
    }

    public Report reap(Instant now, boolean dryRun) {
        List<String> reaped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Ending e : due(now, skipped)) {
            String verb = dryRun ? "would reap " : "reaped ";
            if (dryRun) {
                reaped.add(verb + e.name() + " (" + e.reason() + ")");
                continue;
            }
            try (EnvironmentLocks.Held lock = locks.hold(e.name())) {
                Optional<EndReason> still;
                try {
                    still = stillDue(e, now);
                } catch (RuntimeException unreadable) {
                    failed.add("failed to check " + e.name() + ": " + unreadable.getMessage());
                    continue;
                }
                if (still.isEmpty()) {
                    continue;
                }
                Optional<EnvironmentRecord> record = records.read(e.name());
                if (record.isPresent() && record.get().failures() >= MAX_FAILURES) {
                    skipped.add("gave up on " + e.name() + " after " + MAX_FAILURES
                            + " failed teardowns; see its history, fix the cause, then DELETE /api/environments/" + e.name());
                    continue;
                }
                try {
                    teardown.remove(e.name(), still.get(), null, line -> Log.debugf("%s: %s", e.name(), line));
                    reaped.add(verb + e.name() + " (" + still.get() + ")");
                } catch (RuntimeException failure) {
                    String why = failure.getMessage() == null ? failure.toString() : failure.getMessage();
                    failed.add("failed to reap " + e.name() + " (" + still.get() + "): " + why.lines().findFirst().orElse(why));
                    Log.errorf("teardown of %s (%s) failed, retried next pass: %s", e.name(), still.get(), why);
                }
            }
        }
        reaped.forEach(Log::info);
        skipped.forEach(Log::warn);
        return new Report(reaped, failed, skipped);
    }

    /** Every environment due to end now: expired records, stacks without a record, records without a stack. */
    private List<Ending> due(Instant now, List<String> skipped) {
        List<Ending> due = new ArrayList<>();
        List<EnvironmentName> names = records.names();
        for (EnvironmentName name : names) {
            try {
                if (expired(name, now)) {
                    due.add(new Ending(name, EndReason.EXPIRED));
                }
            } catch (RuntimeException badFile) {
                skipped.add("skipped " + name + ": " + badFile.getMessage());
            }
        }
        Set<EnvironmentName> withContainers = docker.environmentsWithContainers();
        for (EnvironmentName name : withContainers) {
            if (!names.contains(name)) {
                due.add(new Ending(name, EndReason.ORPHAN));
            }
        }
        for (EnvironmentName name : names) {
            if (due.stream().anyMatch(d -> d.name().equals(name))) {
                continue;
            }
            Optional<EnvironmentRecord> record;
            try {
                record = records.read(name);
            } catch (RuntimeException unreadable) {
                skipped.add("skipped " + name + ": " + unreadable.getMessage() + "; fix or delete its environment.json");
                continue;
            }
            Optional<EndReason> unfinished = record.filter(Reaper::teardownUnfinished).map(r -> Teardown.lastReason(r).orElse(EndReason.ORPHAN));
            if (unfinished.isPresent()) {
                due.add(new Ending(name, unfinished.get()));
            } else if (!withContainers.contains(name) && record.map(r -> EnvironmentRecord.RUNNING.equals(r.status())).orElse(true)) {
                due.add(new Ending(name, EndReason.ORPHAN));
            }
        }
        return due;
    }

    /** A teardown that started and did not finish: it is retried whatever started it. */
    private static boolean teardownUnfinished(EnvironmentRecord r) {
        return EnvironmentRecord.STOPPING.equals(r.status()) || EnvironmentRecord.TEARDOWN_FAILED.equals(r.status());
    }

    /** Checked again under the lock: a deploy may have renewed or created the environment meanwhile. */
    private Optional<EndReason> stillDue(Ending e, Instant now) {
        boolean hasRecord = records.exists(e.name());
        Optional<EnvironmentRecord> record = records.read(e.name());
        if (record.filter(Reaper::teardownUnfinished).isPresent()) {
            return Optional.of(e.reason());
        }
        if (e.reason() == EndReason.EXPIRED) {
            return hasRecord && expired(e.name(), now) ? Optional.of(EndReason.EXPIRED) : Optional.empty();
        }
        boolean hasContainers = !docker.containers(e.name()).isEmpty();
        if (!hasRecord && hasContainers) {
            return Optional.of(EndReason.ORPHAN);
        }
        boolean running = records.read(e.name()).map(r -> EnvironmentRecord.RUNNING.equals(r.status())).orElse(true);
        if (hasRecord && !hasContainers && running) {
            return Optional.of(EndReason.ORPHAN);
        }
        return Optional.empty();
    }

    private boolean expired(EnvironmentName name, Instant now) {
        return records.removeAt(name).map(at -> !now.isBefore(at)).orElse(false);
    }
}
