package dev.reviewenv.teardown;

import dev.reviewenv.engine.git.Workspaces;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.engine.traefik.TraefikContainer;
import dev.reviewenv.environment.Hooks;
import dev.reviewenv.environment.ImageOwnership;
import dev.reviewenv.environment.Recorded;
import dev.reviewenv.environment.NameAllocator;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import dev.reviewenv.notice.Notice;
import dev.reviewenv.notice.Forges;
import dev.reviewenv.notice.Notices;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Ends an environment and leaves nothing of it behind, and nothing else is touched: the route
 * first (no route to nothing; only a route file reviewenv wrote), Traefik off the environment's
 * routing network, then {@code compose down --volumes --remove-orphans} (only when every object of
 * the project, and everything its recorded file names, is reviewenv's), then a sweep of whatever still carries
 * reviewenv's label for it, the images it owns (see {@link ImageOwnership}), the checkout, and
 * the record last, so a teardown that fails half-way is found and retried. The caller holds the
 * environment's lock.
 */
@Singleton
public class Teardown {
    private final RecordStore records;
    private final RouteFiles routes;
    private final TraefikContainer traefik;
    private final StackEngine engine;
    private final ImageOwnership images;
    private final Workspaces workspaces;
    private final NameAllocator names;
    private final EndingsLog audit;
    private final Notices notices;
    private final Forges forges;
    private final MeterRegistry meters;
    private final Recorded recorded;
    private final Hooks hooks;
    private final Clock clock;

    public Teardown(RecordStore records, RouteFiles routes, TraefikContainer traefik, StackEngine engine, ImageOwnership images,
            Workspaces workspaces, NameAllocator names, EndingsLog audit, Notices notices, Forges forges, MeterRegistry meters, Recorded recorded,
            Hooks hooks, Clock clock) {
        this.records = records;
        this.routes = routes;
        this.traefik = traefik;
        this.engine = engine;
        this.images = images;
        this.workspaces = workspaces;
        this.names = names;
        this.audit = audit;
        this.notices = notices;
        this.forges = forges;
        this.meters = meters;
        this.recorded = recorded;
        this.hooks = hooks;
        this.clock = clock;
    }

    /**
     * Removes the environment {@code name} for {@code reason}; {@code job} is the job that asked,
     * if any. Returns false when there was nothing to remove.
     */
    public boolean remove(EnvironmentName name, EndReason reason, String job, Consumer<String> out) {
        Timer.Sample sample = Timer.start(meters);
        try {
            boolean removed = removeOnce(name, reason, job, out);
            sample.stop(meters.timer("reviewenv.teardown.duration", "reason", reason.key()));
            return removed;
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            records.read(name).ifPresent(r -> records.write(r.teardownFailed(clock.instant(), reason.key(), why)));
            throw e;
        }
    }

    /** The reason of the last teardown an environment's history records, for a retry. */
    public static Optional<EndReason> lastReason(EnvironmentRecord record) {
        for (int i = record.history().size() - 1; i >= 0; i--) {
            var event = record.history().get(i);
            if (event.event().equals("teardown")) {
                return EndReason.parse(event.reason());
            }
        }
        return Optional.empty();
    }

    /** The recorded file as a model; an unreadable one names nothing (the sweep by label still runs). */
    private static java.util.Map<String, Object> recordedModel(Path composeFile) {
        try {
            return ComposeDocument.parse(composeFile.toString(), Files.readString(composeFile));
        } catch (java.io.IOException | RuntimeException unreadable) {
            return java.util.Map.of();
        }
    }

    private boolean removeOnce(EnvironmentName name, EndReason reason, String job, Consumer<String> out) {
        Optional<EnvironmentRecord> record = records.read(name);
        boolean hadAnything = record.isPresent() || routes.exists(name) || !engine.units(name).isEmpty();
        record.ifPresent(r -> records.write(r.withStatus(EnvironmentRecord.Status.STOPPING)
                .with(new EnvironmentRecord.Event(clock.instant(), "teardown", reason.key(), r.commit(), job))));
        Log.infof("tearing down %s (%s)", name, reason);
        out.accept("tearing down " + name + " (" + reason + ")");
        if (record.isPresent() && reason != EndReason.FAILED) {
            hooks.beforeStop(name, record.get().status() == EnvironmentRecord.Status.SLEEPING, out);
        }
        if (!routes.remove(name, record.isPresent())) {
            out.accept("left the route file " + routes.file(name) + ": reviewenv did not write it");
        }
        traefik.leave(EnvironmentNames.routingNetwork(name));
        StackEngine.Stack stack = recorded.stack(name, record);
        Path composeFile = stack.file();
        Set<String> used = images.recordedImages(name);
        List<String> foreign = new java.util.ArrayList<>(engine.foreign(name, record.isPresent()));
        if (Files.isRegularFile(composeFile)) {
            foreign.addAll(engine.strangers(name, recordedModel(composeFile), record.isPresent()));
        }
        if (!foreign.isEmpty()) {
            out.accept("left what is not reviewenv's (no " + "dev.reviewenv.environment label) under the names of " + name + ": "
                    + String.join(", ", foreign) + "; only what reviewenv made is removed");
        } else if (Files.isRegularFile(composeFile)) {
            try {
                engine.down(stack, out);
            } catch (RuntimeException e) {
                out.accept(engine.kind() + " down failed; sweeping by label instead: " + e.getMessage());
            }
        }
        engine.sweep(name, out);
        if (!engine.units(name).isEmpty()) {
            throw new IllegalStateException("containers of " + name + " are still there after the sweep; the teardown is retried");
        }
        images.release(name, used, Set.of(), "image", out);
        workspaces.delete(name);
        records.delete(name);
        audit.ended(name, reason, record.map(EnvironmentRecord::repository).orElse(null),
                record.map(EnvironmentRecord::ref).orElse(null), job);
        try {
            names.release(name);
        } catch (RuntimeException e) {
            Log.warnf("could not release the name %s in Redis (%s); the next push of its branch takes it again", name, e.getMessage());
        }
        if (reason != EndReason.FAILED) {
            record.ifPresent(r -> {
                notices.send(Notice.STOPPED, r.withStatus(EnvironmentRecord.Status.STOPPED), Optional.empty(), job, reason.key(), null);
                forges.ended(r.origin(), r.commit(), name.value(), r.url(), reason.key());
            });
        }
        Log.infof("environment %s removed (%s)", name, reason);
        out.accept("environment " + name + " removed (" + reason + ")");
        return hadAnything;
    }
}
