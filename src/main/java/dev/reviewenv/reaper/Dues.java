package dev.reviewenv.reaper;

import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.environment.Sources;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.teardown.EndReason;
import dev.reviewenv.teardown.Teardown;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which environments are due to end, and why: a teardown that did not finish (retried for its
 * reason), a {@code removeat} that has passed ({@code expired}), a branch that is gone from its
 * bare repository ({@code branch-deleted}, for the deletions whose push never reached the
 * service), a record without a stack, a stack without a record, or a record directory a crash
 * left without {@code environment.json} ({@code orphan}). Reads only; the reaper acts.
 */
@Singleton
public class Dues {
    private final RecordStore records;
    private final StackEngine engine;
    private final Sources sources;

    public Dues(RecordStore records, StackEngine engine, Sources sources) {
        this.records = records;
        this.engine = engine;
        this.sources = sources;
    }

    /** An environment due to end and why. */
    public record Ending(EnvironmentName name, EndReason reason) {
    }

    /** Every environment due to end at {@code now}; what cannot be read is put in {@code skipped} and left alone. */
    public List<Ending> at(Instant now, List<String> skipped) {
        List<Ending> due = new ArrayList<>();
        List<EnvironmentName> names = records.names();
        Set<EnvironmentName> withContainers = engine.environments();
        Branches branches = new Branches();
        for (EnvironmentName name : names) {
            try {
                reason(name, now, withContainers.contains(name), branches).ifPresent(r -> due.add(new Ending(name, r)));
            } catch (RuntimeException unreadable) {
                skipped.add("skipped " + name + ": " + unreadable.getMessage() + "; fix or delete its record files");
            }
        }
        for (EnvironmentName name : withContainers) {
            if (!names.contains(name)) {
                due.add(new Ending(name, EndReason.ORPHAN));
            }
        }
        return due;
    }

    /** Checked again under the lock: a deploy may have renewed, created or ended the environment meanwhile. */
    public Optional<EndReason> still(EnvironmentName name, Instant now) {
        boolean hasContainers = !engine.units(name).isEmpty();
        if (!records.dir(name).toFile().isDirectory()) {
            return hasContainers ? Optional.of(EndReason.ORPHAN) : Optional.empty();
        }
        return reason(name, now, hasContainers, new Branches());
    }

    private Optional<EndReason> reason(EnvironmentName name, Instant now, boolean hasContainers, Branches branches) {
        Optional<EnvironmentRecord> found = records.read(name);
        if (found.isEmpty()) {
            return Optional.of(EndReason.ORPHAN); // a directory a crash left half-written
        }
        EnvironmentRecord record = found.get();
        if (record.status() == EnvironmentRecord.Status.STOPPING || record.status() == EnvironmentRecord.Status.TEARDOWN_FAILED) {
            return Optional.of(Teardown.lastReason(record).orElse(EndReason.ORPHAN));
        }
        if (records.removeAt(name).map(at -> !now.isBefore(at)).orElse(false)) {
            return Optional.of(EndReason.EXPIRED);
        }
        if (branches.gone(record)) {
            return Optional.of(EndReason.BRANCH_DELETED);
        }
        if (!hasContainers && record.upOrAsleep()) {
            return Optional.of(EndReason.ORPHAN);
        }
        return Optional.empty();
    }

    /** The branches of each repository, read once a pass. */
    private final class Branches {
        private final Map<String, Optional<Set<String>>> byRepository = new HashMap<>();

        /** Whether the record's branch is gone from a repository that is there (an unreadable one proves nothing). */
        boolean gone(EnvironmentRecord record) {
            return byRepository.computeIfAbsent(record.repository(), repo -> {
                return sources.branches(repo).map(Map::keySet);
            }).map(refs -> !refs.contains(record.ref())).orElse(false);
        }
    }
}
