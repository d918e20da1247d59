package dev.reviewenv.job;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.deploy.DeployException;
import dev.reviewenv.deploy.DeployRequest;
import dev.reviewenv.deploy.Deployer;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.process.CommandRunner;
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
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drains the job queue: {@code reviewenv.jobs.workers} threads each take a job and run it under
 * the environment's lock, unless it has gone stale ({@link Staleness}); a deploy that failed after
 * it created a new environment is rolled back here. Every job ends: its outcome is stored even
 * when Redis answers only later, and its output is best-effort ({@link JobLog}). When the service
 * stops, running jobs are interrupted (their Compose ended with its children) and handed back
 * to the queue; jobs of workers that died are put back by the heartbeat.
 */
@Singleton
public class Worker {
    /** How long a stopping service waits for its workers to hand their jobs back. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final Jobs jobs;
    private final Deployer deployer;
    private final Teardown teardown;
    private final EnvironmentLocks locks;
    private final Staleness staleness;
    private final RecordStore records;
    private final DockerEngine docker;
    private final CommandRunner runner;
    private final Notices notices;
    private final Forges forges;
    private final MeterRegistry meters;
    private final ReviewenvConfig config;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Thread> busy = new ConcurrentHashMap<>();
    private final Map<String, JobLog> logs = new ConcurrentHashMap<>();
    private ScheduledExecutorService flusher;
    private volatile boolean running;

    public Worker(Jobs jobs, Deployer deployer, Teardown teardown, EnvironmentLocks locks, Staleness staleness,
            RecordStore records, DockerEngine docker, CommandRunner runner, Notices notices, Forges forges, MeterRegistry meters, ReviewenvConfig config) {
        this.jobs = jobs;
        this.deployer = deployer;
        this.teardown = teardown;
        this.locks = locks;
        this.staleness = staleness;
        this.records = records;
        this.docker = docker;
        this.runner = runner;
        this.notices = notices;
        this.forges = forges;
        this.meters = meters;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        docker.ping();
        if (config.mode() != ReviewenvConfig.Mode.SERVICE || config.jobs().workers() == 0) {
            return;
        }
        runner.endLeftovers().forEach(Log::warn);
        jobs.ping();
        jobs.heartbeat();
        int recovered = jobs.recoverAbandoned();
        if (recovered > 0) {
            Log.infof("%d job(s) of stopped workers were put back on the queue", recovered);
        }
        running = true;
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reviewenv-job-output");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(() -> logs.values().forEach(JobLog::flush), 200, 200, TimeUnit.MILLISECONDS);
        for (int i = 0; i < config.jobs().workers(); i++) {
            Thread t = new Thread(this::loop, "reviewenv-worker-" + i);
            t.start();
            threads.add(t);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (!running) {
            return;
        }
        running = false;
        busy.values().forEach(Thread::interrupt);
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flusher.shutdownNow();
        try {
            jobs.leave();
        } catch (RuntimeException redisDown) {
            Log.warnf("could not say goodbye to Redis (%s); this instance's jobs are recovered once its heartbeat expires",
                    redisDown.getMessage());
        }
    }

    @Scheduled(every = "${reviewenv.jobs.heartbeat:10s}", delayed = "${reviewenv.jobs.heartbeat:10s}")
    void heartbeat() {
        if (!running) {
            return;
        }
        try {
            jobs.heartbeat();
            jobs.recoverAbandoned();
            int own = jobs.recoverOwn(busy.keySet());
            if (own > 0) {
                Log.infof("%d job(s) this instance held but ran no more were put back on the queue", own);
            }
        } catch (RuntimeException redisDown) {
            Log.warnf("heartbeat: %s", redisDown.getMessage());
        }
    }

    private void loop() {
        while (running) {
            try {
                jobs.take(Duration.ofSeconds(1)).ifPresent(this::run);
            } catch (RuntimeException e) {
                Log.errorf("worker loop: %s", e.getMessage());
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /** What a job came to. */
    private record Outcome(String status, String url, String error) {
    }

    /** Runs one job to its end and stores the outcome; never throws. */
    void run(Job job) {
        JobLog out = new JobLog(jobs, job.id());
        logs.put(job.id(), out);
        busy.put(job.id(), Thread.currentThread());
        Log.infof("job %s: %s %s %s", job.id(), job.action(), job.repository(), job.ref());
        Outcome outcome;
        try {
            outcome = execute(job, out);
        } catch (RuntimeException | Error e) {
            if (!running) {
                handBack(job, out);
                return;
            }
            if (!(e instanceof RuntimeException)) {
                Log.errorf(e, "job %s broke the worker", job.id());
            }
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            out.accept("job failed: " + reason);
            outcome = new Outcome(Job.FAILED, null, reason.lines().findFirst().orElse(reason));
        } finally {
            Thread.interrupted();
        }
        // Still this worker's until stored: the heartbeat must not hand it to another meanwhile.
        store(job, outcome, out);
        busy.remove(job.id());
        logs.remove(job.id());
    }

    private Outcome execute(Job job, JobLog out) {
        Timer.Sample sample = Timer.start(meters);
        Outcome outcome = null;
        try {
            outcome = executeLocked(job, out);
            return outcome;
        } catch (RuntimeException | Error e) {
            meters.counter("reviewenv.failures", "reason", Failures.kind(e)).increment();
            throw e;
        } finally {
            sample.stop(meters.timer("reviewenv." + job.action() + ".duration", "outcome",
                    outcome == null ? Job.FAILED : outcome.status()));
        }
    }

    private Outcome executeLocked(Job job, JobLog out) {
        try (EnvironmentLocks.Held lock = locks.hold(job.environmentName())) {
            Optional<String> stale = staleness.of(job);
            if (stale.isPresent()) {
                out.accept("job cancelled: " + stale.get());
                return new Outcome(Job.CANCELLED, null, stale.get());
            }
            String url = switch (job.action()) {
                case Job.DEPLOY -> deploy(job, out);
                case Job.STOP -> stop(job, out);
                default -> throw new IllegalArgumentException("unknown action " + job.action());
            };
            return new Outcome(Job.SUCCEEDED, url, null);
        }
    }

    /** Stores the outcome; while Redis does not answer, tries again (the job stays in this instance's hands). */
    private void store(Job job, Outcome o, JobLog out) {
        Duration wait = Duration.ofMillis(500);
        while (true) {
            try {
                out.flush();
                jobs.finish(job, o.status(), o.url(), o.error());
                Log.infof("job %s %s%s", job.id(), o.status(), o.error() == null ? "" : ": " + o.error());
                return;
            } catch (RuntimeException redisDown) {
                if (!running) {
                    Log.warnf("job %s %s, but Redis does not take it (%s); the next start takes the job again",
                            job.id(), o.status(), redisDown.getMessage());
                    return;
                }
                Log.warnf("job %s %s; Redis does not take it yet (%s), trying again", job.id(), o.status(), redisDown.getMessage());
                pause(wait);
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : wait.multipliedBy(2);
            }
        }
    }

    private void handBack(Job job, JobLog out) {
        try {
            out.flush();
            jobs.handBack(job, "the service stopped while this job ran; it is taken again when the service is back");
            Log.infof("job %s handed back to the queue", job.id());
        } catch (RuntimeException redisDown) {
            Log.warnf("job %s could not be handed back (%s); it is recovered once this instance's heartbeat expires",
                    job.id(), redisDown.getMessage());
        }
        busy.remove(job.id());
        logs.remove(job.id());
    }

    private String deploy(Job job, JobLog out) {
        EnvironmentName name = job.environmentName();
        DeployRequest request = new DeployRequest(name, job.branch(), job.revision(), Address.parse(job.url()),
                job.options(), job.id());
        forges.pending(job.branch(), job.revision(), job.url());
        try {
            Deployer.Deployed deployed = deployer.deploy(request, out);
            records.read(name).ifPresent(r -> notices.send(Notice.DEPLOYED, r, records.removeAt(name), job.id(), null, null));
            forges.success(job.branch(), deployed.commit(), name.value(), deployed.url());
            return deployed.url();
        } catch (RuntimeException failed) {
            if (failed instanceof DeployException d && d.changedSomething() && running) {
                rollBack(name, job, out);
            }
            if (running) {
                String reason = failed.getMessage() == null ? failed.toString() : failed.getMessage();
                String firstLines = String.join("\n", reason.lines().limit(5).toList());
                notices.send(new Notice(Notice.FAILED, name.value(), job.repository(), job.branch().name(), job.revision(), job.url(),
                        job.id(), Job.FAILED, null, null, firstLines));
                forges.failure(job.branch(), job.revision(), job.url(), reason);
            }
            throw failed;
        }
    }

    /** Removes what a failed first deploy created; a failed cleanup is left to the reaper, which retries it. */
    private void rollBack(EnvironmentName name, Job job, JobLog out) {
        out.accept("removing what the deploy created");
        try {
            teardown.remove(name, EndReason.FAILED, job.id(), out);
        } catch (RuntimeException cleanup) {
            out.accept("cleanup failed too, the reaper retries it: " + cleanup.getMessage());
        }
    }

    private String stop(Job job, JobLog out) {
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

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
