package dev.reviewenv.reaper;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.environment.Lifetimes;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.notice.ExtendLinks;
import dev.reviewenv.notice.Notice;
import dev.reviewenv.notice.Notices;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code expiring} event, once per {@code removeat}: {@code reviewenv.notify.expiry-warning}
 * (1 d) before it, or a quarter of the lifetime when that is shorter, with a one-click Extend
 * link. Sent by the reaper pass; an environment a deploy or stop holds is warned next pass.
 */
@Singleton
public class ExpiryWarnings {
    private final RecordStore records;
    private final EnvironmentLocks locks;
    private final Notices notices;
    private final ExtendLinks links;
    private final ReviewenvConfig config;

    public ExpiryWarnings(RecordStore records, EnvironmentLocks locks, Notices notices, ExtendLinks links, ReviewenvConfig config) {
        this.records = records;
        this.locks = locks;
        this.notices = notices;
        this.links = links;
        this.config = config;
    }

    /** Warns every environment that is due a warning at {@code now}; returns how many were warned. */
    public int send(Instant now, List<EnvironmentRecord> all) {
        int sent = 0;
        for (EnvironmentRecord listed : all) {
            EnvironmentName name = listed.environmentName();
            try {
                if (due(listed, now).isPresent()) {
                    Optional<EnvironmentLocks.Held> lock = locks.tryHold(name);
                    if (lock.isPresent()) {
                        try (EnvironmentLocks.Held held = lock.get()) {
                            sent += warn(name, now) ? 1 : 0;
                        }
                    }
                }
            } catch (RuntimeException unreadable) {
                // the reaper reports records it cannot read; a warning waits for a record that can be
            }
        }
        return sent;
    }

    /** Looked at again under the lock: a deploy may have renewed or ended it meanwhile. */
    private boolean warn(EnvironmentName name, Instant now) {
        Optional<EnvironmentRecord> record = records.read(name);
        Optional<Instant> removeAt = record.flatMap(r -> due(r, now));
        if (removeAt.isEmpty()) {
            return false;
        }
        notices.send(Notice.EXPIRING, record.get(), removeAt, null, null, links.link(name, removeAt.get()));
        records.write(record.get().warned(removeAt.get().getEpochSecond()));
        return true;
    }

    /** The {@code removeat} to warn about now, if the environment is due its warning and has not had it. */
    private Optional<Instant> due(EnvironmentRecord record, Instant now) {
        if (record.status() != EnvironmentRecord.Status.RUNNING) {
            return Optional.empty();
        }
        Optional<Instant> removeAt = records.removeAt(record.environmentName());
        if (removeAt.isEmpty() || !now.isBefore(removeAt.get())
                || Long.valueOf(removeAt.get().getEpochSecond()).equals(record.expiryWarned())) {
            return Optional.empty();
        }
        Duration lifetime = Lifetimes.of(record, removeAt.get());
        Duration warning = config.notifications().expiryWarning().duration().orElse(Duration.ZERO);
        if (warning.compareTo(lifetime.dividedBy(4)) > 0) {
            warning = lifetime.dividedBy(4);
        }
        return now.isBefore(removeAt.get().minus(warning)) ? Optional.empty() : removeAt;
    }
}
