package dev.reviewenv.environment;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.EnvironmentName;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Moves an environment's end: {@code removeat} becomes now + a lifetime, under the environment's lock. */
@Singleton
public class Lifetimes {
    private final RecordStore records;
    private final EnvironmentLocks locks;
    private final Clock clock;

    public Lifetimes(RecordStore records, EnvironmentLocks locks, Clock clock) {
        this.records = records;
        this.locks = locks;
        this.clock = clock;
    }

    /**
     * An environment's lifetime: the one its last deploy got, else from its deploy to its removal
     * at {@code removeAt} (records older than the lifetime field); zero when neither says.
     */
    public static java.time.Duration of(EnvironmentRecord r, Instant removeAt) {
        if (r.lifetime() != null) {
            try {
                Optional<java.time.Duration> d = Lifetime.parse(r.lifetime()).duration();
                if (d.isPresent()) {
                    return d.get();
                }
            } catch (IllegalArgumentException older) {
                // taken from the record's times below
            }
        }
        Instant from = r.deployedAt() != null ? r.deployedAt() : r.createdAt();
        return from == null || !from.isBefore(removeAt) ? java.time.Duration.ZERO : java.time.Duration.between(from, removeAt);
    }

    /**
     * Moves an environment's removal to now + {@code lifetime} ({@code never} removes
     * {@code removeat}); empty when there is no such environment.
     */
    public Optional<EnvironmentRecord> extend(EnvironmentName name, Lifetime lifetime) {
        Instant now = clock.instant();
        try (EnvironmentLocks.Held lock = locks.hold(name)) {
            Optional<EnvironmentRecord> record = records.read(name);
            record.ifPresent(r -> {
                records.writeRemoveAt(name, lifetime.removeAt(now));
                records.write(r.with(new EnvironmentRecord.Event(now, "extend", "lifetime " + lifetime, r.commit(), null)));
            });
            return record;
        }
    }
}
