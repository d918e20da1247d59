package dev.reviewenv.capacity;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.deploy.Readiness;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.environment.Activity;
import dev.reviewenv.environment.Recorded;
import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.EnvironmentName;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Puts idle environments to sleep and wakes them on the next request. Asleep, an environment's
 * containers are stopped and nothing is removed; its Traefik route points to reviewenv's wake
 * endpoint (a route file like every other, so a request still goes through Traefik and is still
 * logged as the environment's). Waking starts the containers under the environment's lock, waits
 * until they are ready, and points the route back. The route changes before the containers stop
 * and after they start, so a request never meets a stopped container.
 */
@Singleton
public class Sleep {
    private final ReviewenvConfig config;
    private final RecordStore records;
    private final EnvironmentLocks locks;
    private final StackEngine engine;
    private final Readiness readiness;
    private final RouteFiles routes;
    private final Activity activity;
    private final Recorded recorded;
    private volatile int listening = -1;
    private final Clock clock;
    private final Set<EnvironmentName> waking = ConcurrentHashMap.newKeySet();
    private final ExecutorService wakers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "reviewenv-wake");
        t.setDaemon(true);
        return t;
    });

    public Sleep(ReviewenvConfig config, RecordStore records, EnvironmentLocks locks, StackEngine engine,
            Readiness readiness, RouteFiles routes, Activity activity,
            Recorded recorded, Clock clock) {
        this.config = config;
        this.records = records;
        this.locks = locks;
        this.engine = engine;
        this.readiness = readiness;
        this.routes = routes;
        this.activity = activity;
        this.recorded = recorded;
        this.clock = clock;
    }

    void stop(@Observes ShutdownEvent event) {
        wakers.shutdownNow();
    }

    /**
     * The reaper's part: a running environment whose containers all stopped without reviewenv
     * (a restart of Docker or of the host) is put to sleep, so the next request starts it again;
     * every running environment idle for {@code reviewenv.idle-after} goes to sleep, of {@code all}
     * (the records as the pass listed them; each is looked at again under its lock). Says which.
     */
    public List<String> sleepIdle(Instant now, List<EnvironmentRecord> all) {
        List<String> lines = new ArrayList<>();
        restStopped(lines);
        Optional<Duration> idle = config.idleAfter().flatMap(l -> l.duration());
        if (idle.isEmpty()) {
            return lines;
        }
        try {
            activity.refresh();
        } catch (RuntimeException e) {
            Log.warnf("could not read Traefik's access log (%s); nothing is put to sleep this pass", e.getMessage());
            return lines;
        }
        for (EnvironmentRecord record : all) {
            if (record.status() != EnvironmentRecord.Status.RUNNING || activity.lastUsed(record).plus(idle.get()).isAfter(now)) {
                continue;
            }
            EnvironmentName name = record.environmentName();
            Optional<EnvironmentLocks.Held> lock = locks.tryHold(name);
            if (lock.isEmpty()) {
                continue;
            }
            try (EnvironmentLocks.Held held = lock.get()) {
                // Looked at again under the lock: a request may have woken it, or a push redeployed it, meanwhile.
                Optional<Instant> used = records.read(name).map(activity::lastUsed);
                if (used.isEmpty() || used.get().plus(idle.get()).isAfter(now)) {
                    continue;
                }
                if (sleep(name, "no request since " + used.get(), line -> Log.debugf("%s: %s", name, line))) {
                    lines.add("put " + name + " to sleep (no request for " + config.idleAfter().get() + ")");
                }
            } catch (RuntimeException e) {
                lines.add("could not put " + name + " to sleep: " + e.getMessage());
            }
        }
        return lines;
    }

    private void restStopped(List<String> lines) {
        Set<EnvironmentName> stopped = new java.util.TreeSet<>(engine.environments());
        stopped.removeAll(engine.environmentsRunning());
        for (EnvironmentName name : stopped) {
            if (!records.read(name).map(r -> r.status() == EnvironmentRecord.Status.RUNNING).orElse(false)) {
                continue;
            }
            Optional<EnvironmentLocks.Held> lock = locks.tryHold(name);
            if (lock.isEmpty()) {
                continue;
            }
            try (EnvironmentLocks.Held held = lock.get()) {
                if (engine.units(name).stream().noneMatch(StackEngine.Unit::running)
                        && sleep(name, "its containers had stopped (a restart of Docker?); a request starts them again",
                                line -> Log.debugf("%s: %s", name, line))) {
                    lines.add("put " + name + " to sleep: its containers had stopped without reviewenv; a request wakes it");
                }
            } catch (RuntimeException e) {
                lines.add("could not put " + name + " to sleep: " + e.getMessage());
            }
        }
    }

    /** Puts a running environment to sleep; the caller holds its lock. Returns false when it was not running. */
    public boolean sleep(EnvironmentName name, String why, Consumer<String> out) {
        Optional<EnvironmentRecord> found = records.read(name).filter(r -> r.status() == EnvironmentRecord.Status.RUNNING);
        if (found.isEmpty()) {
            return false;
        }
        EnvironmentRecord record = found.get();
        String host = Address.parse(record.url()).host();
        List<String> users = config.basicAuthFor(record.repository());
        routes.writeWake(name, host, wakeUrl(), users);
        try {
            engine.stop(recorded.stack(record), out);
        } catch (RuntimeException e) {
            recorded.route(record, out);
            throw e;
        }
        records.write(record.withStatus(EnvironmentRecord.Status.SLEEPING)
                .with(new EnvironmentRecord.Event(clock.instant(), "sleep", why, record.commit(), null)));
        Log.infof("environment %s is asleep (%s)", name, why);
        return true;
    }

    /** What a request to a sleeping environment finds. */
    public enum Waking { STARTING, FAILED, UNKNOWN }

    /**
     * Starts waking {@code name} in the background if it sleeps (once, however many requests ask),
     * and says how it stands.
     */
    public Waking wake(EnvironmentName name) {
        Optional<EnvironmentRecord> record = records.read(name);
        if (record.isEmpty()) {
            return Waking.UNKNOWN;
        }
        if (record.get().status() == EnvironmentRecord.Status.FAILED) {
            return Waking.FAILED;
        }
        if (record.get().status() == EnvironmentRecord.Status.SLEEPING && waking.add(name)) {
            activity.requested(name, clock.instant());
            wakers.submit(() -> {
                try {
                    wakeNow(name, line -> Log.debugf("%s: %s", name, line));
                } catch (RuntimeException e) {
                    Log.errorf("waking %s failed: %s", name, e.getMessage());
                } finally {
                    waking.remove(name);
                }
            });
        }
        return Waking.STARTING;
    }

    /** Wakes a sleeping environment under its lock, waiting for any deploy or stop of it to finish first. */
    public void wakeNow(EnvironmentName name, Consumer<String> out) {
        try (EnvironmentLocks.Held held = locks.hold(name)) {
            Optional<EnvironmentRecord> found = records.read(name).filter(r -> r.status() == EnvironmentRecord.Status.SLEEPING);
            if (found.isEmpty()) {
                return;
            }
            EnvironmentRecord record = found.get();
            Instant started = clock.instant();
            try {
                engine.start(recorded.stack(record), out);
                readiness.await(name, out);
                recorded.route(record, out);
            } catch (RuntimeException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                records.write(record.withStatus(EnvironmentRecord.Status.FAILED).with(new EnvironmentRecord.Event(clock.instant(),
                        "wake-failed", why.lines().findFirst().orElse(why), record.commit(), null)));
                throw e;
            }
            long ms = Duration.between(started, clock.instant()).toMillis();
            records.write(record.withStatus(EnvironmentRecord.Status.RUNNING)
                    .with(new EnvironmentRecord.Event(clock.instant(), "wake", "woken by a request in " + ms + " ms",
                            record.commit(), null)));
            activity.requested(name, clock.instant());
            Log.infof("environment %s woke in %d ms", name, ms);
        }
    }

    /**
     * How Traefik reaches this service: {@code reviewenv.traefik.wake-url}, else this service's
     * port on the gateway of the shared network (the host, as Traefik's container sees it).
     */
    private URI wakeUrl() {
        if (config.traefik().wakeUrl().isPresent()) {
            return URI.create(config.traefik().wakeUrl().get());
        }
        String gateway = engine.hostAddress(config.network()).orElseThrow(() -> new IllegalStateException("the network "
                + config.network() + " has no gateway address; set reviewenv.traefik.wake-url to how Traefik reaches"
                + " reviewenv"));
        int port = listening > 0 ? listening
                : ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        return URI.create("http://" + gateway + ":" + port);
    }

    /** The port the HTTP server listens on, as it says once it started (a port of 0 is chosen then). */
    void listening(@ObservesAsync HttpServerStart started) {
        listening = started.options().getPort();
    }
}
