package dev.reviewenv.teardown;

import dev.reviewenv.engine.compose.ComposeCli;
import dev.reviewenv.engine.compose.ComposeException;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.git.GitCheckout;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.redis.RedisJobStore;
import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.deploy.ComposeDocument;
import dev.reviewenv.deploy.Environments;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Ends an environment and leaves nothing behind: the route first (no route to nothing), then
 * {@code compose down --rmi all --volumes --remove-orphans}, then a sweep of whatever still
 * carries the project label, the checkout, and the record last, so a teardown that fails
 * half-way is found and retried. The caller holds the environment's lock.
 */
@Singleton
public class Teardown {
    private final RecordStore records;
    private final RouteFiles routes;
    private final ComposeCli compose;
    private final DockerEngine docker;
    private final RedisJobStore jobs;
    private final ReviewenvConfig config;
    private final EndingsLog audit;

    public Teardown(RecordStore records, RouteFiles routes, ComposeCli compose, DockerEngine docker, RedisJobStore jobs,
            ReviewenvConfig config, EndingsLog audit) {
        this.audit = audit;
        this.records = records;
        this.routes = routes;
        this.compose = compose;
        this.docker = docker;
        this.jobs = jobs;
        this.config = config;
    }

    /**
     * Removes the environment {@code name}; {@code reason} is recorded (branch-deleted, manual,
     * expired, failed, orphan). Returns false when there was nothing to remove.
     */
    public boolean remove(String name, String reason, String job, Consumer<String> out) {
        try {
            return removeOnce(name, reason, job, out);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            records.read(name).ifPresent(r -> records.write(r.teardownFailed(Instant.now(), reason, why)));
            throw e;
        }
    }

    /** The reason of the last teardown an environment's history records, for a retry. */
    public static Optional<String> lastReason(EnvironmentRecord record) {
        for (int i = record.history().size() - 1; i >= 0; i--) {
            var event = record.history().get(i);
            if (event.event().equals("teardown")) {
                return Optional.ofNullable(event.reason());
            }
        }
        return Optional.empty();
    }

    private boolean removeOnce(String name, String reason, String job, Consumer<String> out) {
        var record = records.read(name);
        boolean hadAnything = record.isPresent() || routes.exists(name) || !docker.containers(name).isEmpty();
        record.ifPresent(r -> records.write(r.withStatus(EnvironmentRecord.STOPPING)
                .with(new EnvironmentRecord.Event(Instant.now(), "teardown", reason, r.commit(), job))));
        Log.infof("tearing down %s (%s)", name, reason);
        out.accept("tearing down " + name + " (" + reason + ")");
        routes.remove(name);
        Path composeFile = records.composeFile(name);
        List<String> images = imagesOf(name, composeFile);
        Map<String, Set<String>> shared = sharedImages(name, images);
        if (Files.isRegularFile(composeFile)) {
            Path projectDir = record.map(r -> Environments.workspace(config, name, r.commit())).filter(Files::isDirectory).orElse(null);
            try {
                compose.down(name, composeFile, projectDir, shared.isEmpty(), out);
            } catch (ComposeException e) {
                out.accept("compose down failed; sweeping by label instead: " + e.getMessage());
            }
        }
        docker.sweep(name, out);
        if (!docker.containers(name).isEmpty()) {
            throw new IllegalStateException("containers of " + name + " are still there after the sweep; the teardown is retried");
        }
        shared.forEach((image, users) -> out.accept("left image " + image + ": still used by " + String.join(", ", users)));
        docker.removeImages(name, images.stream().filter(i -> !shared.containsKey(i)).toList(), out);
        deleteWorkspace(name);
        records.delete(name);
        audit.ended(name, reason, record.map(EnvironmentRecord::repository).orElse(null),
                record.map(EnvironmentRecord::ref).orElse(null), job);
        try {
            jobs.release(name);
        } catch (RuntimeException e) {
            Log.warnf("could not release the name %s in Redis (%s); the next push of its branch takes it again", name, e.getMessage());
        }
        Log.infof("environment %s removed (%s)", name, reason);
        out.accept("environment " + name + " removed (" + reason + ")");
        return hadAnything;
    }

    /** The images of this stack that another environment also uses (a container of it, or its recorded compose file). */
    private Map<String, Set<String>> sharedImages(String name, List<String> images) {
        Map<String, List<String>> others = new java.util.HashMap<>();
        for (String other : records.names()) {
            if (!other.equals(name)) {
                others.put(other, imagesOf(other, records.composeFile(other)));
            }
        }
        Map<String, Set<String>> shared = new java.util.LinkedHashMap<>();
        for (String image : images) {
            Set<String> users = new java.util.TreeSet<>(docker.imageUsers(image));
            users.remove(name);
            others.forEach((other, used) -> {
                if (used.contains(image)) {
                    users.add(other);
                }
            });
            if (!users.isEmpty()) {
                shared.put(image, users);
            }
        }
        return shared;
    }

    /**
     * What {@code down --rmi all} removes, for when it could not run: every service's image, or
     * the name Compose gives a built one ({@code <project>-<service>} in v2, {@code <project>_<service>} in v1).
     */
    static List<String> imagesOf(String name, Path composeFile) {
        List<String> images = new ArrayList<>();
        if (!Files.isRegularFile(composeFile)) {
            return images;
        }
        try {
            Map<String, Object> doc = ComposeDocument.parse(composeFile.toString(), Files.readString(composeFile));
            if (doc.get("services") instanceof Map<?, ?> services) {
                services.forEach((service, def) -> {
                    if (def instanceof Map<?, ?> d && d.get("image") != null) {
                        images.add(String.valueOf(d.get("image")));
                    } else {
                        images.add(name + "-" + service);
                        images.add(name + "_" + service);
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            Log.warnf("cannot read %s for its images: %s", composeFile, e.getMessage());
        }
        return images;
    }

    private void deleteWorkspace(String name) {
        try {
            GitCheckout.deleteTree(config.workspaces().resolve(name));
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete the checkout of " + name + ": " + e.getMessage(), e);
        }
    }
}
