package dev.reviewenv.reaper;

import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.notice.Notice;
import dev.reviewenv.notice.Notices;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reaper's look at what the engine lost without reviewenv: on a swarm, a node that left (or went
 * down) with tasks of running environments. Each such environment gets an event in its record
 * naming the services and nodes, a line in the pass, and its tasks placed anew by Swarm on the
 * nodes that are left; when that fails it is marked {@code failed} and a failure notice goes out.
 * Nothing is ever half-running without being said.
 */
@Singleton
public class NodeLoss {
    private final StackEngine engine;
    private final RecordStore records;
    private final EnvironmentLocks locks;
    private final Notices notices;
    private final Clock clock;

    public NodeLoss(StackEngine engine, RecordStore records, EnvironmentLocks locks, Notices notices, Clock clock) {
        this.engine = engine;
        this.records = records;
        this.locks = locks;
        this.notices = notices;
        this.clock = clock;
    }

    /** Reports and reschedules every running environment that lost parts; one line each. */
    public List<String> check() {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<EnvironmentName, String> trouble : engine.troubles().entrySet()) {
            EnvironmentName name = trouble.getKey();
            Optional<EnvironmentLocks.Held> lock = locks.tryHold(name);
            if (lock.isEmpty()) {
                continue; // a deploy or stop of it runs; the next pass looks again
            }
            try (EnvironmentLocks.Held held = lock.get()) {
                Optional<EnvironmentRecord> found = records.read(name).filter(r -> r.status() == EnvironmentRecord.Status.RUNNING);
                if (found.isEmpty()) {
                    continue;
                }
                EnvironmentRecord record = found.get();
                String what = trouble.getValue();
                if (alreadySaid(record, what)) {
                    continue; // placed anew once already; what Swarm cannot place stays said, not retried every pass
                }
                try {
                    engine.reschedule(name, line -> Log.debugf("%s: %s", name, line));
                    records.write(record.with(new EnvironmentRecord.Event(clock.instant(), "node-lost",
                            what + "; its tasks were placed anew", record.commit(), null)));
                    lines.add("environment " + name + " lost tasks: " + what + "; asked Swarm to place them anew");
                } catch (RuntimeException e) {
                    EnvironmentRecord failed = record.withStatus(EnvironmentRecord.Status.FAILED).with(new EnvironmentRecord.Event(
                            clock.instant(), "node-lost", what + "; placing them anew failed: " + e.getMessage(), record.commit(), null));
                    records.write(failed);
                    notices.send(Notice.FAILED, failed, records.removeAt(name), null, what, null);
                    lines.add("environment " + name + " lost tasks (" + what + ") and could not be placed anew: " + e.getMessage());
                }
            }
        }
        lines.forEach(Log::warn);
        return lines;
    }

    /** Whether the record's newest event already says this loss. */
    private static boolean alreadySaid(EnvironmentRecord record, String what) {
        List<EnvironmentRecord.Event> history = record.history();
        if (history.isEmpty()) {
            return false;
        }
        EnvironmentRecord.Event last = history.get(history.size() - 1);
        return "node-lost".equals(last.event()) && last.reason() != null && last.reason().startsWith(what);
    }
}
