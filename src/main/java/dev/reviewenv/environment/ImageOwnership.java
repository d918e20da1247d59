package dev.reviewenv.environment;

import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.record.ImageLedger;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.Images;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.config.ReviewenvConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Which images are reviewenv's to remove. An image built for an environment carries its label
 * and goes with it; an image a deploy had to pull is written to the ledger and goes when no
 * environment, and no deploy in flight, uses it any more; an image that was on the host before
 * is never removed. Deploys pin the images they are about to use, under the same lock as every
 * removal, so a teardown never takes an image a deploy running beside it needs.
 *
 * <p>A pulled image no environment uses any more stays on the host for the next deploy that needs
 * it: the image cache, bounded by {@code reviewenv.image-cache}; past that size the images used
 * longest ago are removed first. A budget of 0 removes them with their last environment.
 */
@Singleton
public class ImageOwnership {
    private final ImageLedger ledger;
    private final Images store;
    private final StackEngine engine;
    private final RecordStore records;
    private final long cacheBudget;
    private final Clock clock;
    private final java.util.concurrent.ConcurrentHashMap<Path, Parsed> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    @Inject
    public ImageOwnership(ImageLedger ledger, Images store, StackEngine engine, RecordStore records,
            ReviewenvConfig config, Clock clock) {
        this(ledger, store, engine, records, config.imageCache().bytes(), clock);
    }

    public ImageOwnership(ImageLedger ledger, Images store, StackEngine engine, RecordStore records, long cacheBudget,
            Clock clock) {
        this.ledger = ledger;
        this.store = store;
        this.engine = engine;
        this.records = records;
        this.cacheBudget = cacheBudget;
        this.clock = clock;
    }

    /**
     * Pins {@code refs} for a deploy of {@code name} and returns those not on the host: the deploy
     * pulls them, so they are reviewenv's from now on.
     */
    public Set<String> pinForDeploy(EnvironmentName name, Set<String> refs) {
        return ledger.locked(() -> {
            ledger.pin(name, refs);
            Set<String> missing = new TreeSet<>();
            refs.stream().filter(r -> !store.exists(r)).forEach(missing::add);
            ledger.touch(refs, clock.instant());
            ledger.addPulled(missing, clock.instant());
            return missing;
        });
    }

    public void unpin(EnvironmentName name) {
        ledger.locked(() -> {
            ledger.unpin(name);
            return null;
        });
    }

    /**
     * Removes what {@code name} owns and no longer uses: images built for it that none of its
     * containers runs; and of the {@code used} references, those reviewenv pulled that no other
     * environment or deploy needs go to the image cache (or, with no cache, are removed), but those
     * in {@code keep} (what an update still runs). {@code what} names them in the output ("image",
     * "replaced image"). Then trims the cache to its budget.
     */
    public void release(EnvironmentName name, Set<String> used, Set<String> keep, String what, Consumer<String> out) {
        ledger.locked(() -> {
            Set<String> running = store.runBy(name);
            for (String id : store.builtFor(name)) {
                if (!running.contains(id)) {
                    out.accept(store.remove(id) ? "removed " + what + " " + id : "left " + what + " " + id + ": a container still uses it");
                }
            }
            Map<String, Set<String>> others = usersBesides(name);
            Set<String> pulled = ledger.pulled();
            List<String> removed = new ArrayList<>();
            for (String ref : used) {
                if (keep.contains(ref)) {
                    continue;
                }
                if (!pulled.contains(normal(ref))) {
                    out.accept("kept " + what + " " + ref + ": it was on the host before reviewenv needed it");
                    continue;
                }
                Set<String> users = new TreeSet<>(others.getOrDefault(normal(ref), Set.of()));
                store.users(ref).stream().filter(u -> !u.equals(name.value())).forEach(users::add);
                if (!users.isEmpty()) {
                    out.accept("left " + what + " " + ref + ": still used by " + String.join(", ", users));
                } else if (cacheBudget > 0) {
                    out.accept("kept " + what + " " + ref + " in the image cache for the next deploy that needs it");
                } else if (store.remove(ref)) {
                    out.accept("removed " + what + " " + ref);
                    ledger.removePulled(Set.of(normal(ref)));
                    removed.add(ref);
                } else {
                    out.accept("left " + what + " " + ref + ": a container still uses it");
                }
            }
            engine.forgetImages(removed, out);
            trim(cacheBudget, out);
            return null;
        });
    }

    /**
     * Removes cached images (pulled by reviewenv, used by no environment and no deploy), those used
     * longest ago first, until the rest take at most {@code budget} bytes. Returns the bytes freed.
     */
    public long trimCache(long budget, Consumer<String> out) {
        return ledger.locked(() -> trim(budget, out));
    }

    /** The cached images, those used longest ago first, with their sizes. */
    public List<Cached> cached() {
        return ledger.locked(this::cachedNow);
    }

    /** An image in the cache: its reference, size and when a deploy last used it. */
    public record Cached(String ref, long size, java.time.Instant lastUsed) {
    }

    private List<Cached> cachedNow() {
        Map<String, Set<String>> users = usersBesides(null);
        List<Cached> cached = new ArrayList<>();
        ledger.lastUsed().forEach((ref, at) -> {
            if (!users.containsKey(ref) && store.users(ref).isEmpty()) {
                store.size(ref).ifPresent(size -> cached.add(new Cached(ref, size, at)));
            }
        });
        cached.sort(java.util.Comparator.comparing(Cached::lastUsed).thenComparing(Cached::ref));
        return cached;
    }

    private long trim(long budget, Consumer<String> out) {
        List<Cached> cached = cachedNow();
        long total = cached.stream().mapToLong(Cached::size).sum();
        long freed = 0;
        List<String> removed = new ArrayList<>();
        for (Cached c : cached) {
            if (total <= budget) {
                break;
            }
            if (store.remove(c.ref())) {
                ledger.removePulled(Set.of(c.ref()));
                out.accept("removed cached image " + c.ref() + " (" + c.size() / (1 << 20) + " MiB, unused since "
                        + c.lastUsed() + ")");
                freed += c.size();
                removed.add(c.ref());
            }
            total -= c.size();
        }
        engine.forgetImages(removed, out);
        return freed;
    }

    /** The images (by reference) the environment's recorded compose file runs without building them. */
    public Set<String> recordedImages(EnvironmentName name) {
        return imagesOf(records.composeFile(name));
    }

    /** The references of the images the services of a compose model run without building them, normalized. */
    public static Set<String> pulledImages(Map<String, Object> doc) {
        Set<String> refs = new LinkedHashSet<>();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.values().forEach(def -> {
                if (def instanceof Map<?, ?> d && d.get("image") != null && d.get("build") == null) {
                    refs.add(normal(String.valueOf(d.get("image"))));
                }
            });
        }
        return refs;
    }

    /** Who else uses each image: other environments' recorded files and other deploys' pins ({@code name} null: everyone). */
    private Map<String, Set<String>> usersBesides(EnvironmentName name) {
        Map<String, Set<String>> users = new TreeMap<>();
        for (EnvironmentName other : records.names()) {
            if (!other.equals(name)) {
                imagesOf(records.composeFile(other)).forEach(r -> users.computeIfAbsent(r, k -> new TreeSet<>()).add(other.value()));
            }
        }
        ledger.pins().forEach((other, refs) -> {
            if (!other.equals(name)) {
                refs.forEach(r -> users.computeIfAbsent(normal(r), k -> new TreeSet<>()).add(other.value() + " (deploying)"));
            }
        });
        return users;
    }

    /** The images a recorded compose file runs; parsed again only when the file is a new one. */
    private Set<String> imagesOf(Path composeFile) {
        try {
            BasicFileAttributes now = Files.readAttributes(composeFile, BasicFileAttributes.class);
            Parsed known = parsed.get(composeFile);
            if (known != null && known.same(now)) {
                return known.images();
            }
            Set<String> images = pulledImages(ComposeDocument.parse(composeFile.toString(), Files.readString(composeFile)));
            parsed.put(composeFile, new Parsed(now.fileKey(), now.size(), now.lastModifiedTime(), images));
            return images;
        } catch (IOException | RuntimeException missingOrUnreadable) {
            parsed.remove(composeFile);
            return Set.of();
        }
    }

    private record Parsed(Object fileKey, long size, java.nio.file.attribute.FileTime modified, Set<String> images) {
        boolean same(BasicFileAttributes a) {
            return java.util.Objects.equals(fileKey, a.fileKey()) && size == a.size() && modified.equals(a.lastModifiedTime());
        }
    }

    /** One spelling per image: {@code busybox}, {@code docker.io/library/busybox:latest} are {@code busybox:latest}. */
    public static String normal(String ref) {
        String r = ref.strip();
        for (String prefix : new String[] {"docker.io/library/", "index.docker.io/library/", "docker.io/"}) {
            if (r.startsWith(prefix)) {
                r = r.substring(prefix.length());
                break;
            }
        }
        int slash = r.lastIndexOf('/');
        boolean tagged = r.indexOf(':', slash + 1) >= 0 || r.contains("@");
        return tagged ? r : r + ":latest";
    }
}
