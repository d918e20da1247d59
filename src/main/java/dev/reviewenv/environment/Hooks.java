package dev.reviewenv.environment;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.ServiceCommand;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The commands a branch's file runs in its own services around its environment's life: {@code
 * after-create} once after the first deploy came up (migrations, demo data; bounded by
 * {@code reviewenv.compose.timeout}; a failure fails that deploy), and {@code before-stop} before
 * every ending (bounded by {@code reviewenv.compose.stop-timeout}, and never in the way of the
 * ending: a failure, a hang or a stopped service is said and the ending goes on). Their output goes
 * to the job log a line at a time, as {@code <hook> | <line>}.
 */
@Singleton
public class Hooks {
    private final StackEngine engine;
    private final RecordStore records;
    private final ReviewenvConfig config;

    public Hooks(StackEngine engine, RecordStore records, ReviewenvConfig config) {
        this.engine = engine;
        this.records = records;
        this.config = config;
    }

    /** Runs {@code after-create}; throws saying how it ended unless it succeeded. */
    public void afterCreate(EnvironmentName name, ServiceCommand hook, Consumer<String> out) {
        Duration bound = config.compose().timeout();
        out.accept("after-create: running " + hook + " (at most " + bound.toSeconds() + " s)");
        StackEngine.Exec ended = engine.exec(name, hook.service(), hook.command(), bound, line -> out.accept("after-create | " + line));
        if (ended.timedOut()) {
            throw new IllegalStateException("after-create: " + hook + " did not end within " + bound.toSeconds()
                    + " s (reviewenv.compose.timeout); the first deploy fails");
        }
        if (!ended.ok()) {
            throw new IllegalStateException("after-create: " + hook + " exited with " + ended.exitCode() + "; the first deploy fails");
        }
        out.accept("after-create: done");
    }

    /** Keeps the deploy's {@code before-stop} (none: forgets the last one) for the ending. */
    public void remember(EnvironmentName name, Optional<ServiceCommand> beforeStop) {
        records.writeBeforeStop(name, beforeStop);
    }

    /** Runs the {@code before-stop} the environment's last deploy kept, if any; never throws. */
    public void beforeStop(EnvironmentName name, boolean asleep, Consumer<String> out) {
        Optional<ServiceCommand> hook;
        try {
            hook = records.readBeforeStop(name);
        } catch (RuntimeException e) {
            out.accept("before-stop: not run: " + e.getMessage());
            return;
        }
        if (hook.isEmpty()) {
            return;
        }
        if (asleep) {
            out.accept("before-stop: not run: the environment is asleep (its containers are stopped)");
            return;
        }
        Duration bound = config.compose().stopTimeout();
        out.accept("before-stop: running " + hook.get() + " (at most " + bound.toSeconds() + " s)");
        try {
            StackEngine.Exec ended = engine.exec(name, hook.get().service(), hook.get().command(), bound,
                    line -> out.accept("before-stop | " + line));
            out.accept(ended.timedOut() ? "before-stop: cut off after " + bound.toSeconds() + " s (reviewenv.compose.stop-timeout);"
                    + " the ending goes on" : ended.ok() ? "before-stop: done" : "before-stop: exited with " + ended.exitCode()
                    + "; the ending goes on");
        } catch (RuntimeException e) {
            Log.infof("before-stop of %s not run: %s", name, e.getMessage());
            out.accept("before-stop: not run: " + e.getMessage() + "; the ending goes on");
        }
    }
}
