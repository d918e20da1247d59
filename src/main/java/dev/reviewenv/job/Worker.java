package dev.reviewenv.job;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.deploy.DeployException;
import dev.reviewenv.deploy.DeployRequest;
import dev.reviewenv.deploy.Deployer;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.teardown.EndReason;
import dev.reviewenv.teardown.Teardown;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Drains the job queue: {@code reviewenv.jobs.workers} threads each take a job, run its deploy or
 * stop under the environment's lock, and store the outcome. A deploy that failed after it changed
 * something is rolled back here, with the lock still held. Jobs of workers that died are put back
 * on the queue.
 */
@Singleton
public class Worker {
    private final Jobs jobs;
    private final Deployer deployer;
    private final Teardown teardown;
    private final EnvironmentLocks locks;
    private final DockerEngine docker;
    private final RecordStore records;
    private final ReviewenvConfig config;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public Worker(Jobs jobs, Deployer deployer, Teardown teardown, EnvironmentLocks locks, DockerEngine docker,
            RecordStore records, ReviewenvConfig config) {
        this.jobs = jobs;
        this.deployer = deployer;
        this.teardown = teardown;
        this.locks = locks;
        this.docker = docker;
        this.records = records;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        docker.ping();
        if (config.mode() != ReviewenvConfig.Mode.SERVICE || config.jobs().workers() == 0) {
            return;
        }
        jobs.ping();
        jobs.heartbeat();
        int recovered = jobs.recoverAbandoned();
        if (recovered > 0) {
            Log.infof("%d job(s) of stopped workers were put back on the queue", recovered);
        }
        running = true;
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
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        jobs.leave();
    }

    @Scheduled(every = "10s", delayed = "10s")
    void heartbeat() {
        if (running) {
            jobs.heartbeat();
            jobs.recoverAbandoned();
        }
    }

    private void loop() {
        while (running) {
            try {
                Optional<Job> job = jobs.take(Duration.ofSeconds(1));
                job.ifPresent(this::run);
            } catch (RuntimeException e) {
                Log.errorf("worker loop: %s", e.getMessage());
                pause();
            }
        }
    }

    /** Runs one job to its end and stores the outcome; never throws. */
    void run(Job job) {
        Consumer<String> out = line -> jobs.append(job.id(), line + "\n");
        Log.infof("job %s: %s %s %s", job.id(), job.action(), job.repository(), job.ref());
        try (EnvironmentLocks.Held lock = locks.hold(job.environmentName())) {
            String url = switch (job.action()) {
                case Job.DEPLOY -> deploy(job, out);
                case Job.STOP -> stop(job, out);
                default -> throw new IllegalArgumentException("unknown action " + job.action());
            };
            jobs.finish(job, Job.SUCCEEDED, url, null);
            Log.infof("job %s succeeded", job.id());
        } catch (RuntimeException | Error e) {
            if (!(e instanceof RuntimeException)) {
                Log.errorf(e, "job %s broke the worker", job.id());
            }
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            String first = reason.lines().findFirst().orElse(reason);
            out.accept("job failed: " + reason);
            jobs.finish(job, Job.FAILED, null, first);
            Log.warnf("job %s failed: %s", job.id(), first);
        }
    }

    private String deploy(Job job, Consumer<String> out) {
        EnvironmentName name = job.environmentName();
        DeployRequest request = new DeployRequest(name, job.branch(), job.revision(), Address.parse(job.url()),
                job.options(), job.id());
        try {
            return deployer.deploy(request, out).url();
        } catch (DeployException failed) {
            if (failed.changedSomething()) {
                rollBack(name, job, out);
            }
            throw failed;
        }
    }

    /** Removes what a failed deploy created; a failed cleanup is left to the reaper, which retries it. */
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

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
