package dev.reviewenv.job;

import dev.reviewenv.engine.redis.JobStatus;
import dev.reviewenv.capacity.Capacity;
import dev.reviewenv.deploy.DeployException;
import dev.reviewenv.deploy.DeployRequest;
import dev.reviewenv.deploy.Deployer;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.notice.Forges;
import dev.reviewenv.notice.Notice;
import dev.reviewenv.notice.Notices;
import dev.reviewenv.teardown.EndReason;
import dev.reviewenv.teardown.Teardown;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs one job under its environment's lock, unless it has gone stale ({@link Staleness}): a
 * deploy, once the host has room for it ({@link Capacity}; told to the forge and the notification
 * channels; a failed first deploy rolled back) or a stop (a branch deletion stops only the
 * environment of that very branch). Timed and counted in the metrics. What came of it is for the {@link Worker} to store.
 */
@Singleton
public class Execution {
    /** What a job came to. */
    public record Outcome(JobStatus status, String url, String error) {
    }

    private final Capacity capacity;
    private final Deployer deployer;
    private final Teardown teardown;
    private final EnvironmentLocks locks;
    private final Staleness staleness;
    private final RecordStore records;
    private final Notices notices;
    private final Forges forges;
    private final MeterRegistry meters;

    public Execution(Capacity capacity, Deployer deployer, Teardown teardown, EnvironmentLocks locks, Staleness staleness,
            RecordStore records, Notices notices, Forges forges, MeterRegistry meters) {
        this.capacity = capacity;
        this.deployer = deployer;
        this.teardown = teardown;
        this.locks = locks;
        this.staleness = staleness;
        this.records = records;
        this.notices = notices;
        this.forges = forges;
        this.meters = meters;
    }

    /** Runs the job; {@code running} says whether the service still runs (a stopping one rolls back and tells nothing). */
    public Outcome run(Job job, Consumer<String> out, BooleanSupplier running) {
        Timer.Sample sample = Timer.start(meters);
        Outcome outcome = null;
        try {
            outcome = locked(job, out, running);
            return outcome;
        } catch (RuntimeException | Error e) {
            meters.counter("reviewenv.failures", "reason", Failures.kind(e)).increment();
            throw e;
        } finally {
            sample.stop(meters.timer("reviewenv." + job.action().key() + ".duration", "outcome",
                    (outcome == null ? JobStatus.FAILED : outcome.status()).key()));
        }
    }

    private Outcome locked(Job job, Consumer<String> out, BooleanSupplier running) {
        try (EnvironmentLocks.Held lock = locks.hold(job.environmentName())) {
            Optional<String> stale = staleness.of(job);
            if (stale.isPresent()) {
                out.accept("job cancelled: " + stale.get());
                return new Outcome(JobStatus.CANCELLED, null, stale.get());
            }
            String url = switch (job.action()) {
                case DEPLOY -> deploy(job, out, running);
                case STOP -> stop(job, out);
            };
            return new Outcome(JobStatus.SUCCEEDED, url, null);
        }
    }

    private String deploy(Job job, Consumer<String> out, BooleanSupplier running) {
        EnvironmentName name = job.environmentName();
        DeployRequest request = new DeployRequest(name, job.branch(), job.revision(), Address.parse(job.url()),
                job.options(), job.id(), job.trusted());
        forges.pending(job.branch(), job.revision(), job.url());
        try {
            Deployer.Deployed deployed;
            try (Capacity.Place place = capacity.makeRoom(name, job.repository(), out)) {
                deployed = deployer.deploy(request, out);
            }
            records.read(name).ifPresent(r -> notices.send(Notice.DEPLOYED, r, records.removeAt(name), job.id(), null, null));
            forges.success(job.branch(), deployed.commit(), name.value(), deployed.url(), records.removeAt(name));
            return deployed.url();
        } catch (RuntimeException failed) {
            if (failed instanceof DeployException d && d.changedSomething() && running.getAsBoolean()) {
                rollBack(name, job, out);
            }
            if (running.getAsBoolean()) {
                String reason = failed.getMessage() == null ? failed.toString() : failed.getMessage();
                String firstLines = String.join("\n", reason.lines().limit(5).toList());
                notices.send(new Notice(Notice.FAILED, name.value(), job.repository(), job.branch().name(), job.revision(), job.url(),
                        job.id(), dev.reviewenv.engine.record.EnvironmentRecord.Status.FAILED.key(), null, null, firstLines));
                forges.failure(job.branch(), job.revision(), name.value(), job.url(), reason);
            }
            throw failed;
        }
    }

    /** Removes what a failed first deploy created; a failed cleanup is left to the reaper, which retries it. */
    private void rollBack(EnvironmentName name, Job job, Consumer<String> out) {
        out.accept("removing what the deploy created");
        try {
            teardown.remove(name, EndReason.FAILED, job.id(), out);
        } catch (RuntimeException cleanup) {
            out.accept("cleanup failed too, the reaper retries it: " + cleanup.getMessage());
        }
    }

    private String stop(Job job, Consumer<String> out) {
        if (job.stopReason() == EndReason.BRANCH_DELETED) {
            // A deleted branch ends only the environment whose record names that very branch.
            Optional<EnvironmentRecord> record = records.read(job.environmentName());
            if (record.isEmpty() || !record.get().belongsTo(job.branch())) {
                out.accept("no environment of " + job.branch() + " to stop; nothing was changed"
                        + record.map(r -> " (" + r.name() + " is the environment of " + r.origin() + ")").orElse(""));
                return null;
            }
        }
        boolean removed = teardown.remove(job.environmentName(), job.stopReason(), job.id(), out);
        if (!removed) {
            out.accept("there was no environment " + job.environment() + " to stop");
        }
        return null;
    }
}
