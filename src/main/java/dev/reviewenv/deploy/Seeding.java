package dev.reviewenv.deploy;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.stack.StackObjects;
import dev.reviewenv.environment.DiskRoom;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.time.Poller;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A new environment's volumes started as copies of its base's (the environment of the seed's
 * branch in the same repository, running or asleep): before the first {@code up}, each listed volume
 * is created under the new environment's name and labels with the base's content, by reflink where
 * the engine's file system shares blocks, else plainly. The base's lock is held for the copy, taken
 * without blocking while the new environment's is held (tried again until {@link #BASE_WAIT}), so no
 * two deploys can wait on each other; the engine pauses the base's containers that mount the volume
 * and resumes them after. A plain copy that would take free space below the disk floor is refused
 * before it starts. No base, or a base without the volume: the volume starts empty, and the job log
 * says so.
 */
@Singleton
public class Seeding {
    /** How long a seed waits for its base's lock (a deploy or an ending of the base holds it) before the deploy fails. */
    static final Duration BASE_WAIT = Duration.ofMinutes(2);
    /** The label that says which environment a volume was copied from. */
    public static final String SEEDED_FROM = "dev.reviewenv.seeded-from";

    private final RecordStore records;
    private final EnvironmentLocks locks;
    private final StackEngine engine;
    private final DiskRoom room;
    private final ReviewenvConfig config;
    private final Poller poller;

    public Seeding(RecordStore records, EnvironmentLocks locks, StackEngine engine, DiskRoom room, ReviewenvConfig config,
            Clock clock) {
        this.records = records;
        this.locks = locks;
        this.engine = engine;
        this.room = room;
        this.config = config;
        this.poller = new Poller(clock, Duration.ofMillis(250));
    }

    /**
     * Creates {@code name}'s volumes that {@code seed} lists as copies of the base's, as the rendered
     * file names and labels them. The caller holds {@code name}'s lock; throws when a copy cannot be
     * made (the deploy fails and is rolled back, so nothing of it stays).
     */
    public void seed(EnvironmentName name, Branch branch, Lifecycle.Seed seed, Map<String, Object> rendered, Consumer<String> out) {
        Branch baseBranch = new Branch(branch.repository(), "refs/heads/" + seed.from());
        Optional<EnvironmentRecord> base = records.findByBranch(baseBranch);
        if (base.isEmpty() || !base.get().upOrAsleep()) {
            out.accept("seed: " + baseBranch + " has no environment" + base.map(b -> " that runs or sleeps (it is " + b.status() + ")")
                    .orElse("") + "; " + String.join(", ", seed.volumes()) + " start" + (seed.volumes().size() == 1 ? "s" : "")
                    + " empty");
            return;
        }
        EnvironmentName baseName = base.get().environmentName();
        if (baseName.equals(name)) {
            out.accept("seed: " + baseBranch + " is this environment's own branch; its volumes start empty");
            return;
        }
        EnvironmentLocks.Held[] held = new EnvironmentLocks.Held[1];
        if (!poller.until(BASE_WAIT, () -> (held[0] = locks.tryHold(baseName).orElse(null)) != null)) {
            throw new IllegalStateException("seed: the environment " + baseName + " of " + baseBranch + " stayed busy (a deploy or"
                    + " an ending of it) for " + BASE_WAIT.toSeconds() + " s, so its volumes could not be copied; push again");
        }
        try (EnvironmentLocks.Held lock = held[0]) {
            Optional<EnvironmentRecord> now = records.read(baseName).filter(EnvironmentRecord::upOrAsleep);
            Optional<String> file = records.readComposeFile(baseName);
            if (now.isEmpty() || file.isEmpty()) {
                out.accept("seed: the environment " + baseName + " of " + baseBranch + " ended meanwhile; "
                        + String.join(", ", seed.volumes()) + " start empty");
                return;
            }
            Map<String, Object> baseModel = ComposeDocument.parse(records.composeFile(baseName).toString(), file.get());
            // Marked while its containers may be paused: a service that dies mid-copy leaves the mark for recover().
            records.markCopying(baseName, true);
            for (String key : seed.volumes()) {
                copy(baseName, baseModel, name, key, rendered, out);
            }
            records.markCopying(baseName, false);
        }
    }

    /**
     * Resumes the containers of each base a copy was cut short in (the service died between the
     * pause and the resume: the base is still marked, and no copy holds its lock); returns what was
     * done, one line each. The reaper runs this first on every pass.
     */
    public List<String> recover() {
        List<String> lines = new java.util.ArrayList<>();
        for (EnvironmentName base : records.copying()) {
            Optional<EnvironmentLocks.Held> lock = locks.tryHold(base);
            if (lock.isEmpty()) {
                continue; // a copy from it runs now
            }
            try (EnvironmentLocks.Held held = lock.get()) {
                List<String> resumed = engine.resume(base);
                records.markCopying(base, false);
                if (!resumed.isEmpty()) {
                    lines.add("resumed " + String.join(", ", resumed) + " of " + base + ", left paused by a copy of its volumes"
                            + " that did not finish");
                }
            } catch (RuntimeException e) {
                lines.add("could not resume the containers of " + base + " paused for a copy: " + e.getMessage());
            }
        }
        return lines;
    }

    private void copy(EnvironmentName baseName, Map<String, Object> baseModel, EnvironmentName name, String key,
            Map<String, Object> rendered, Consumer<String> out) {
        Duration bound = config.compose().timeout();
        Optional<String> from = StackObjects.named(baseModel, "volumes", key, baseName);
        Optional<StackEngine.VolumeSize> size = from.flatMap(v -> engine.measureVolume(baseName, v, name, bound));
        if (size.isEmpty()) {
            out.accept("seed: the environment " + baseName + " has no volume " + key + "; it starts empty");
            return;
        }
        String to = StackObjects.named(rendered, "volumes", key, name).orElseThrow(() -> new IllegalStateException(
                "seed: volume " + key + " is not one this file creates"));
        String what = "copying volume " + key + " of " + baseName;
        room.shortOf(size.get().reflink() ? 0 : size.get().bytes(), what).ifPresent(why -> {
            throw new IllegalStateException("seed: " + why + "; free space on the disk, or seed fewer volumes");
        });
        StackEngine.VolumeCopy copy = engine.copyVolume(baseName, from.get(), name, key, to, labels(rendered, key, name, baseName),
                size.get(), bound);
        if (!copy.paused().isEmpty()) {
            out.accept("seed: paused " + String.join(", ", copy.paused()) + " of " + baseName + " for the copy, and resumed");
        }
        out.accept("seed: volume " + key + " copied from " + baseName + ": " + copy.bytes() + " bytes by "
                + (copy.reflink() ? "reflink" : "plain copy") + " in " + seconds(copy.took()) + " s"
                + (copy.reflink() ? " (its files were written to disk first, before the pause: " + seconds(size.get().measured())
                        + " s with measuring)" : ""));
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    /** The labels the rendered file gives the volume (reviewenv's among them), and where it was copied from. */
    private static Map<String, String> labels(Map<String, Object> rendered, String key, EnvironmentName name, EnvironmentName base) {
        Map<String, String> out = new LinkedHashMap<>();
        Object def = rendered.get("volumes") instanceof Map<?, ?> volumes ? volumes.get(key) : null;
        Object labels = def instanceof Map<?, ?> d ? d.get("labels") : null;
        if (labels instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (labels instanceof List<?> l) {
            l.forEach(item -> {
                String[] kv = String.valueOf(item).split("=", 2);
                out.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        }
        out.put(Labels.ENVIRONMENT, name.value());
        out.put(SEEDED_FROM, base.value());
        return out;
    }
}
