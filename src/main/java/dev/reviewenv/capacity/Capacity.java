package dev.reviewenv.capacity;

import dev.reviewenv.config.DiskFloor;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.build.Sandbox;
import dev.reviewenv.engine.fs.DiskSpace;
import dev.reviewenv.engine.stack.DiskUse;
import dev.reviewenv.environment.DiskRoom;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.environment.Activity;
import dev.reviewenv.environment.ImageOwnership;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.teardown.EndReason;
import dev.reviewenv.teardown.Teardown;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Admits deploys by what the host can hold. A new environment beyond {@code max-environments}
 * (of the host, or of its repository) evicts the least recently used one, by its last request
 * through Traefik (see {@link Activity}), or is refused with {@code when-full=refuse}; before each
 * deploy and on each reaper pass, free space in Docker's data root below {@code disk-floor} evicts
 * the environments that hold the most disk (volumes, logs, images), then trims the image cache,
 * then drops the build caches. Environments that never
 * expire go last, and only when nothing else can. An environment whose lock is held (a deploy,
 * stop or wake of it runs) is never taken. Decisions are taken one at a time, and a deploy holds
 * its place until it has a record, so two deploys never both take the last place.
 */
@Singleton
public class Capacity {
    private final ReviewenvConfig config;
    private final RecordStore records;
    private final Activity activity;
    private final EnvironmentLocks locks;
    private final Teardown teardown;
    private final ImageOwnership images;
    private final DiskUse disk;
    private final DiskRoom room;
    private final Sandbox builds;
    private final Set<EnvironmentName> placed = new HashSet<>();
    public Capacity(ReviewenvConfig config, RecordStore records, Activity activity, EnvironmentLocks locks, Teardown teardown,
            ImageOwnership images, DiskUse disk, DiskRoom room, Sandbox builds) {
        this.builds = builds;
        this.config = config;
        this.records = records;
        this.activity = activity;
        this.locks = locks;
        this.teardown = teardown;
        this.images = images;
        this.disk = disk;
        this.room = room;
    }

    /** A place held for a deploy; closing it gives it back (the deploy's record counts from then on). */
    public interface Place extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Makes room for a deploy of {@code name} (of {@code repository}), evicting what must go, or
     * throws {@link CapacityRefused} saying why there is no room. The caller holds {@code name}'s lock.
     */
    public synchronized Place makeRoom(EnvironmentName name, String repository, Consumer<String> out) {
        refreshActivity();
        if (!records.exists(name)) {
            Optional<Integer> max = config.maxEnvironments();
            if (max.isPresent()) {
                cap(name, max.get(), "reviewenv.max-environments", r -> true, out);
            }
            Optional<Integer> ofRepository = config.maxEnvironmentsOf(repository);
            if (ofRepository.isPresent()) {
                cap(name, ofRepository.get(), "reviewenv.repositories.\"" + repository + "\".max-environments",
                        r -> repository.equals(r.repository()), out);
            }
        }
        Optional<String> below = floor(name, out, evicted -> { });
        if (below.isPresent()) {
            throw new CapacityRefused(below.get() + " even after evicting every environment reviewenv could and emptying the"
                    + " image cache; this deploy is refused before the disk fills. Free space in Docker's data root, or lower"
                    + " reviewenv.disk-floor");
        }
        placed.add(name);
        return () -> {
            synchronized (Capacity.this) {
                placed.remove(name);
            }
        };
    }

    /** The reaper's look at the disk: evicts and trims while free space is below the floor. Says what it did. */
    public synchronized FloorPass enforceFloor() {
        List<String> lines = new ArrayList<>();
        List<EnvironmentName> evicted = new ArrayList<>();
        if (config.diskFloor().isEmpty()) {
            return new FloorPass(lines, evicted);
        }
        refreshActivity();
        floor(null, lines::add, evicted::add).ifPresent(lines::add);
        return new FloorPass(lines, evicted);
    }

    /** What a reaper pass's look at the disk floor did: one line each, and the environments it ended. */
    public record FloorPass(List<String> lines, List<EnvironmentName> evicted) {
    }

    private void cap(EnvironmentName name, int max, String key, Predicate<EnvironmentRecord> counted, Consumer<String> out) {
        while (true) {
            List<EnvironmentRecord> others = records.list().stream().filter(counted)
                    .filter(r -> !r.environmentName().equals(name)).toList();
            long count = others.size() + placed.stream().filter(p -> !p.equals(name)
                    && others.stream().noneMatch(r -> r.environmentName().equals(p))).count();
            if (count < max) {
                return;
            }
            if (config.whenFull() == ReviewenvConfig.WhenFull.REFUSE) {
                throw new CapacityRefused(key + " is " + max + " and " + count + " environments run (least recently used: "
                        + lru(others).stream().limit(3).map(EnvironmentRecord::name).toList() + "); this new environment is"
                        + " refused (reviewenv.when-full=refuse): stop one with DELETE /api/environments/<name>, or raise " + key);
            }
            if (evictOne(name, counted, this::lru, victim -> "least recently used: last used " + activity.lastUsed(victim),
                    "to stay within " + key + "=" + max, out).isEmpty()) {
                throw new CapacityRefused(key + " is " + max + " and " + count + " environments run, and none of them can be"
                        + " evicted now (each is deploying, stopping or waking); push again later, or raise " + key);
            }
        }
    }

    /** Evicts while below the disk floor, then trims the image cache; returns what is still wrong, if anything. */
    private Optional<String> floor(EnvironmentName deploying, Consumer<String> out, Consumer<EnvironmentName> evicted) {
        Optional<DiskFloor> floor = config.diskFloor();
        if (floor.isEmpty()) {
            return Optional.empty();
        }
        Path root = room.root();
        while (true) {
            DiskSpace.Space space = DiskSpace.of(root);
            long need = floor.get().bytesOf(space.total());
            if (space.free() >= need) {
                return Optional.empty();
            }
            String why = "free space in " + root + " is " + mib(space.free()) + ", below reviewenv.disk-floor=" + floor.get()
                    + " (" + mib(need) + ")";
            Map<String, Long> use = disk.byEnvironment();
            Optional<EnvironmentName> victim = evictOne(deploying, r -> true, largestFirst(use), v -> "it holds "
                    + mib(use.getOrDefault(v.name(), 0L)) + " of the disk, the most", "because " + why, out);
            if (victim.isPresent()) {
                evicted.accept(victim.get());
                continue;
            }
            if (images.trimCache(0, out) > 0) {
                continue;
            }
            if (builds.dropCaches(out) > 0) {
                continue;
            }
            return Optional.of(why);
        }
    }

    /**
     * Evicts the first environment in {@code order} that {@code candidate} accepts and whose lock is
     * free; {@code which} says why it was that one. Returns the one evicted.
     */
    private Optional<EnvironmentName> evictOne(EnvironmentName keep, Predicate<EnvironmentRecord> candidate,
            Function<List<EnvironmentRecord>, List<EnvironmentRecord>> order, Function<EnvironmentRecord, String> which,
            String why, Consumer<String> out) {
        List<EnvironmentRecord> ordered = order.apply(records.list().stream().filter(candidate)
                .filter(r -> keep == null || !r.environmentName().equals(keep)).filter(r -> !placed.contains(r.environmentName()))
                .toList());
        for (EnvironmentRecord victim : ordered) {
            EnvironmentName name = victim.environmentName();
            Optional<EnvironmentLocks.Held> lock = locks.tryHold(name);
            if (lock.isEmpty()) {
                continue;
            }
            try (EnvironmentLocks.Held held = lock.get()) {
                if (!records.exists(name)) {
                    continue;
                }
                String line = "evicting " + name + " (" + which.apply(victim) + ") " + why;
                out.accept(line);
                Log.info(line);
                try {
                    teardown.remove(name, EndReason.EVICTED, null, l -> Log.debugf("%s: %s", name, l));
                    return Optional.of(name);
                } catch (RuntimeException e) {
                    out.accept("could not evict " + name + " (the reaper retries its teardown): " + e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The environments that hold the most disk first (an environment filling the disk goes before an
     * innocent neighbour); environments that never expire after all the others.
     */
    private Function<List<EnvironmentRecord>, List<EnvironmentRecord>> largestFirst(Map<String, Long> use) {
        return candidates -> candidates.stream()
                .filter(r -> r.status() != EnvironmentRecord.Status.STOPPING)
                .sorted(Comparator.comparing((EnvironmentRecord r) -> records.removeAt(r.environmentName()).isEmpty())
                        .thenComparing(r -> -use.getOrDefault(r.name(), 0L)).thenComparing(EnvironmentRecord::name))
                .toList();
    }

    /** Least recently used first; environments that never expire after all the others. */
    private List<EnvironmentRecord> lru(List<EnvironmentRecord> candidates) {
        record Ranked(EnvironmentRecord record, boolean never, Instant used) {
        }
        return candidates.stream()
                .filter(r -> r.status() != EnvironmentRecord.Status.STOPPING)
                .map(r -> new Ranked(r, records.removeAt(r.environmentName()).isEmpty(), activity.lastUsed(r)))
                .sorted(Comparator.comparing(Ranked::never).thenComparing(Ranked::used).thenComparing(x -> x.record().name()))
                .map(Ranked::record).toList();
    }

    private void refreshActivity() {
        try {
            activity.refresh();
        } catch (RuntimeException e) {
            Log.warnf("could not read Traefik's access log (%s); last use is what was read before", e.getMessage());
        }
    }

    private static String mib(long bytes) {
        return DiskRoom.mib(bytes);
    }
}
