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
    public int send(Instant now) {
        int sent = 0;
        for (EnvironmentName name : records.names()) {
            try {
                if (due(name, now).isPresent()) {
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

    private boolean warn(EnvironmentName name, Instant now) {
        Optional<Instant> removeAt = due(name, now);
        if (removeAt.isEmpty()) {
            return false;
        }
        EnvironmentRecord record = records.read(name).orElseThrow();
        notices.send(Notice.EXPIRING, record, removeAt, null, null, links.link(name, removeAt.get()));
        records.write(record.warned(removeAt.get().getEpochSecond()));
        return true;
    }

    /** The {@code removeat} to warn about now, if the environment is due its warning and has not had it. */
    private Optional<Instant> due(EnvironmentName name, Instant now) {
        Optional<Instant> removeAt = records.removeAt(name);
        Optional<EnvironmentRecord> record = records.read(name);
        if (removeAt.isEmpty() || record.isEmpty() || record.get().status() != EnvironmentRecord.Status.RUNNING
                || !now.isBefore(removeAt.get())
                || Long.valueOf(removeAt.get().getEpochSecond()).equals(record.get().expiryWarned())) {
            return Optional.empty();
        }
        Duration lifetime = Lifetimes.of(record.get(), removeAt.get());
        Duration warning = config.notifications().expiryWarning().duration().orElse(Duration.ZERO);
        if (warning.compareTo(lifetime.dividedBy(4)) > 0) {
            warning = lifetime.dividedBy(4);
        }
        return now.isBefore(removeAt.get().minus(warning)) ? Optional.empty() : removeAt;
    }
}
