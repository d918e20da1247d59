package dev.reviewenv.job;

import dev.reviewenv.engine.redis.JobStatus;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.process.CommandRunner;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drains the job queue: {@code reviewenv.jobs.workers} threads each take a job and have it run
 * ({@link Execution}). Every job ends: its outcome is stored even when Redis answers only later,
 * and its output is best-effort ({@link JobLog}). When the service stops, running jobs are
 * interrupted (their Compose ended with its children) and handed back to the queue; jobs of
 * workers that died are put back by the heartbeat; Compose a killed service left running is
 * ended at the next start.
 */
@Singleton
public class Worker {
    /** How long a stopping service waits for its workers to hand their jobs back. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final Jobs jobs;
    private final Execution execution;
    private final StackEngine engine;
    private final CommandRunner runner;
    private final ReviewenvConfig config;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Thread> busy = new ConcurrentHashMap<>();
    private final Map<String, JobLog> logs = new ConcurrentHashMap<>();
    private ScheduledExecutorService flusher;
    private volatile boolean running;

    public Worker(Jobs jobs, Execution execution, StackEngine engine, CommandRunner runner, ReviewenvConfig config) {
        this.jobs = jobs;
        this.execution = execution;
        this.engine = engine;
        this.runner = runner;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        engine.ping();
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
            int own = jobs.recoverOwn(abandoned());
            if (own > 0) {
                Log.infof("%d job(s) this instance held but ran no more were put back on the queue", own);
            }
        } catch (RuntimeException redisDown) {
            Log.warnf("heartbeat: %s", redisDown.getMessage());
        }
    }

    /** Held, not run, at the last heartbeat: a job seen so twice was left by a worker, not being taken. */
    private java.util.Set<String> unrun = java.util.Set.of();

    /**
     * The jobs this instance holds that no worker ran at this heartbeat nor at the one before. A job
     * is held from the moment a worker takes it, a moment before the worker runs it: seen once, it
     * may be that moment; seen twice, it was left.
     */
    private java.util.Set<String> abandoned() {
        java.util.Set<String> now = new java.util.HashSet<>(jobs.held());
        now.removeAll(busy.keySet());
        java.util.Set<String> left = new java.util.HashSet<>(now);
        left.retainAll(unrun);
        now.removeAll(left);
        unrun = now;
        return left;
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

    /** Runs one job to its end and stores the outcome; never throws. */
    void run(Job job) {
        JobLog out = new JobLog(jobs, job.id());
        logs.put(job.id(), out);
        busy.put(job.id(), Thread.currentThread());
        Log.infof("job %s: %s %s %s", job.id(), job.action(), job.repository(), job.ref());
        Execution.Outcome outcome;
        try {
            outcome = execution.run(job, out, () -> running);
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
            outcome = new Execution.Outcome(JobStatus.FAILED, null, reason.lines().findFirst().orElse(reason));
        } finally {
            Thread.interrupted();
        }
        // Still this worker's until stored: the heartbeat must not hand it to another meanwhile.
        store(job, outcome, out);
        busy.remove(job.id());
        logs.remove(job.id());
    }

    /** Stores the outcome; while Redis does not answer, tries again (the job stays in this instance's hands). */
    private void store(Job job, Execution.Outcome o, JobLog out) {
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

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
