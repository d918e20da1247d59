package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.reviewenv.naming.EnvironmentName;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Docker engine over its API (docker-java), for what the Compose CLI does not tell: the
 * containers of a project by label, their state and health, their logs, the shared network, and
 * the sweep of whatever still carries a project's label.
 */
public class DockerEngine implements Closeable {

    /** One container of a project, as the engine sees it now. */
    public record ProjectContainer(String id, String name, String service, String state, String health, Integer exitCode) {
        public boolean running() {
            return "running".equals(state);
        }

        /** Running, and healthy if it has a health check. */
        public boolean ready() {
            return running() && (health == null || "healthy".equals(health));
        }

        public boolean failed() {
            return "exited".equals(state) && exitCode != null && exitCode != 0
                    || "dead".equals(state) || "unhealthy".equals(health) || "restarting".equals(state);
        }
    }

    private final DockerClient client;

    public DockerEngine() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(10))
                .responseTimeout(Duration.ofMinutes(2))
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    /** Fails with the next step when the engine does not answer. */
    public void ping() {
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the Docker engine does not answer (" + e.getMessage()
                    + "); start it (deploy/host-deps.sh does) or set DOCKER_HOST", e);
        }
    }

    /** Every container, running or not, labelled with the compose project. */
    public List<ProjectContainer> containers(EnvironmentName project) {
        List<Container> found = client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.COMPOSE_PROJECT, project.value())).exec();
        List<ProjectContainer> out = new ArrayList<>();
        for (Container c : found) {
            var inspect = client.inspectContainerCmd(c.getId()).exec();
            var state = inspect.getState();
            String health = state.getHealth() == null ? null : state.getHealth().getStatus();
            String name = inspect.getName() == null ? c.getId() : inspect.getName().replaceFirst("^/", "");
            out.add(new ProjectContainer(c.getId(), name, c.getLabels().get(Labels.COMPOSE_SERVICE), state.getStatus(),
                    health, state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue()));
        }
        return out;
    }

    /** The last lines a container printed, for a failure report. */
    public List<String> logTail(String containerId, int lines) {
        List<String> out = new ArrayList<>();
        try {
            client.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(lines)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.add(new String(frame.getPayload()).stripTrailing());
                        }
                    }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NotFoundException e) {
            // gone already: no logs to show
        }
        return out;
    }

    /**
     * The environments that have containers, by reviewenv's own label: what the reconcile
     * compares with the records. Containers without that label are never reviewenv's.
     */
    public java.util.Set<EnvironmentName> environmentsWithContainers() {
        java.util.Set<EnvironmentName> names = new java.util.TreeSet<>();
        for (Container c : client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(Labels.ENVIRONMENT)).exec()) {
            String env = c.getLabels().get(Labels.ENVIRONMENT);
            if (env != null && env.equals(c.getLabels().get(Labels.COMPOSE_PROJECT))) {
                EnvironmentName.parse(env).ifPresent(names::add);
            }
        }
        return names;
    }

    /**
     * Removes the images a project built or used: the given names, and the images labelled with
     * the project (Compose v2 labels what it builds). An image another container still uses is
     * left for it and reported; "not found" counts as removed.
     */
    public List<String> removeImages(EnvironmentName project, java.util.Collection<String> names, Consumer<String> out) {
        java.util.Set<String> targets = new java.util.LinkedHashSet<>(names);
        client.listImagesCmd().withLabelFilter(Map.of(Labels.COMPOSE_PROJECT, project.value())).exec()
                .forEach(i -> targets.add(i.getId()));
        List<String> left = new ArrayList<>();
        for (String image : targets) {
            try {
                client.removeImageCmd(image).withForce(false).exec();
                out.accept("removed image " + image);
            } catch (NotFoundException ignored) {
                // gone already
            } catch (com.github.dockerjava.api.exception.ConflictException e) {
                left.add(image);
                out.accept("left image " + image + ": still used by another container");
            }
        }
        return left;
    }

    /** The compose projects (or container names) of the containers, in any state, that run {@code image}. */
    public java.util.Set<String> imageUsers(String image) {
        java.util.Set<String> users = new java.util.TreeSet<>();
        try {
            for (Container c : client.listContainersCmd().withShowAll(true).withAncestorFilter(List.of(image)).exec()) {
                String project = c.getLabels() == null ? null : c.getLabels().get(Labels.COMPOSE_PROJECT);
                users.add(project != null ? project : String.join(",", c.getNames()));
            }
        } catch (RuntimeException noSuchImage) {
            // an image that is not there has no users
        }
        return users;
    }

    /** The ids of the images the project's containers run. */
    public java.util.Set<String> imageIds(EnvironmentName project) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Container c : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.COMPOSE_PROJECT, project.value())).exec()) {
            ids.add(c.getImageId());
        }
        return ids;
    }

    /**
     * Removes an image that nothing uses any more (an update's replaced build). One still used by
     * a container, or already gone, is left alone; returns whether it was removed.
     */
    public boolean removeUnusedImage(String id) {
        try {
            client.removeImageCmd(id).withForce(false).exec();
            return true;
        } catch (NotFoundException | com.github.dockerjava.api.exception.ConflictException e) {
            return false;
        }
    }

    public boolean imageExists(String image) {
        try {
            client.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    public boolean networkExists(String name) {
        return client.listNetworksCmd().withNameFilter(name).exec().stream().anyMatch(n -> n.getName().equals(name));
    }

    /** Creates the shared network Traefik and the routed services meet on, if it is missing. */
    public void ensureNetwork(String name) {
        if (!networkExists(name)) {
            client.createNetworkCmd().withName(name).withDriver("bridge")
                    .withLabels(Map.of("dev.reviewenv.shared-network", "true")).exec();
        }
    }

    /**
     * Removes whatever still carries the project's label: containers first, then networks, then
     * volumes. "Not found" counts as removed. Returns what was removed, one line each.
     */
    public List<String> sweep(EnvironmentName project, Consumer<String> out) {
        List<String> removed = new ArrayList<>();
        Map<String, String> label = Map.of(Labels.COMPOSE_PROJECT, project.value());
        for (Container c : client.listContainersCmd().withShowAll(true).withLabelFilter(label).exec()) {
            try {
                client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                removed.add("container " + String.join(",", c.getNames()));
            } catch (NotFoundException ignored) {
                // already gone
            }
        }
        for (Network n : client.listNetworksCmd().withFilter("label", List.of(Labels.COMPOSE_PROJECT + "=" + project.value())).exec()) {
            try {
                client.removeNetworkCmd(n.getId()).exec();
                removed.add("network " + n.getName());
            } catch (NotFoundException ignored) {
                // already gone
            }
        }
        var volumes = client.listVolumesCmd().withFilter("label", List.of(Labels.COMPOSE_PROJECT + "=" + project.value())).exec();
        if (volumes.getVolumes() != null) {
            for (var v : volumes.getVolumes()) {
                try {
                    client.removeVolumeCmd(v.getName()).exec();
                    removed.add("volume " + v.getName());
                } catch (NotFoundException ignored) {
                    // already gone
                }
            }
        }
        removed.forEach(r -> out.accept("swept " + r));
        return removed;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
