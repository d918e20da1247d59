package dev.reviewenv.job;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.deploy.Deployer;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.redis.RedisJobStore;
import dev.reviewenv.teardown.Teardown;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Drains the job queue: {@code reviewenv.jobs.workers} threads each take a job, run its deploy or
 * stop, and store the outcome. Jobs of workers that died are put back on the queue.
 */
@Singleton
public class Worker {
    private final RedisJobStore jobs;
    private final Deployer deployer;
    private final Teardown teardown;
    private final EnvironmentLocks locks;
    private final DockerEngine docker;
    private final ReviewenvConfig config;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public Worker(RedisJobStore jobs, Deployer deployer, Teardown teardown, EnvironmentLocks locks, DockerEngine docker,
            ReviewenvConfig config) {
        this.jobs = jobs;
        this.deployer = deployer;
        this.teardown = teardown;
        this.locks = locks;
        this.docker = docker;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        docker.ping();
        if (config.jobs().workers() == 0) {
            return;
        }
        jobs.ping();
        jobs.heartbeat();
        int recovered = jobs.recoverAbandoned(Instant.now());
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
        running = false;
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Scheduled(every = "10s", delayed = "10s")
    void heartbeat() {
        if (running) {
            jobs.heartbeat();
            jobs.recoverAbandoned(Instant.now());
        }
    }

    private void loop() {
        while (running) {
            try {
                Optional<Job> job = jobs.take(Duration.ofSeconds(1), Instant.now());
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
        try {
            String url = switch (job.action()) {
                case Job.DEPLOY -> deployer.deploy(job, out);
                case Job.STOP -> stop(job, out);
                default -> throw new IllegalArgumentException("unknown action " + job.action());
            };
            jobs.finish(job, Job.SUCCEEDED, url, null, Instant.now());
            Log.infof("job %s succeeded", job.id());
        } catch (RuntimeException | Error e) {
            if (!(e instanceof RuntimeException)) {
                Log.errorf(e, "job %s broke the worker", job.id());
            }
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            out.accept("job failed: " + reason);
            jobs.finish(job, Job.FAILED, null, reason.lines().findFirst().orElse(reason), Instant.now());
            Log.warnf("job %s failed: %s", job.id(), reason.lines().findFirst().orElse(reason));
        }
    }

    private String stop(Job job, Consumer<String> out) {
        try (EnvironmentLocks.Held lock = locks.hold(job.environment())) {
            boolean removed = teardown.remove(job.environment(), reasonOf(job), job.id(), out);
            if (!removed) {
                out.accept("there was no environment " + job.environment() + " to stop");
            }
            return null;
        }
    }

    private static String reasonOf(Job job) {
        return job.options().getOrDefault("reason", "manual");
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
