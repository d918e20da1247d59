package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.reviewenv.engine.stack.StackEngine;
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

    private final DockerClient client;
    private final ApacheDockerHttpClient http;

    public DockerEngine() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(10))
                .responseTimeout(Duration.ofMinutes(2))
                .build();
        this.http = http;
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

    /** Every container of the environment, running or not: those carrying reviewenv's label for it. */
    public List<StackEngine.Unit> containers(EnvironmentName project) {
        List<Container> found = client.listContainersCmd().withShowAll(true).withLabelFilter(ours(project)).exec();
        List<StackEngine.Unit> out = new ArrayList<>();
        for (Container c : found) {
            var inspect = client.inspectContainerCmd(c.getId()).exec();
            var state = inspect.getState();
            String health = state.getHealth() == null ? null : state.getHealth().getStatus();
            String name = inspect.getName() == null ? c.getId() : inspect.getName().replaceFirst("^/", "");
            out.add(new StackEngine.Unit(c.getId(), name, c.getLabels().get(Labels.COMPOSE_SERVICE), state.getStatus(),
                    health, state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue(), null, state.getError()));
        }
        return out;
    }

    /** The last lines a container printed, for a failure report. */
    public List<String> logTail(String containerId, int lines) {
        try {
            return frames(callback -> client.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(lines)
                    .exec(callback));
        } catch (NotFoundException e) {
            return List.of(); // gone already: no logs to show
        }
    }

    /** The lines a log call gives its callback, waited for up to 10 s. */
    static List<String> frames(java.util.function.Function<ResultCallback.Adapter<Frame>, ResultCallback.Adapter<Frame>> call) {
        List<String> out = new ArrayList<>();
        try {
            call.apply(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.add(new String(frame.getPayload()).stripTrailing());
                }
            }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** The environments with at least one running container. */
    public java.util.Set<EnvironmentName> environmentsRunning() {
        java.util.Set<EnvironmentName> names = new java.util.TreeSet<>();
        for (Container c : client.listContainersCmd().withLabelFilter(List.of(Labels.ENVIRONMENT)).exec()) {
            String env = c.getLabels().get(Labels.ENVIRONMENT);
            if (env != null && env.equals(c.getLabels().get(Labels.COMPOSE_PROJECT))) {
                EnvironmentName.parse(env).ifPresent(names::add);
            }
        }
        return names;
    }

    /**
     * What carries the compose project label {@code name} without reviewenv's label for it:
     * containers, networks and volumes of a project someone else made, one line each. Networks
     * and volumes of reviewenv's older deploys had no label of their own; they count as
     * reviewenv's when {@code recorded} (the record proves the project is reviewenv's).
     */
    public List<String> foreign(EnvironmentName name, boolean recorded) {
        List<String> found = new ArrayList<>();
        for (Container c : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.COMPOSE_PROJECT, name.value())).exec()) {
            if (!name.value().equals(label(c.getLabels(), Labels.ENVIRONMENT))) {
                found.add("container " + String.join(",", c.getNames()).replace("/", ""));
            }
        }
        if (recorded) {
            return found;
        }
        for (Network n : client.listNetworksCmd().withFilter("label", List.of(Labels.COMPOSE_PROJECT + "=" + name.value())).exec()) {
            if (!name.value().equals(label(n.getLabels(), Labels.ENVIRONMENT))) {
                found.add("network " + n.getName());
            }
        }
        var volumes = client.listVolumesCmd().withFilter("label", List.of(Labels.COMPOSE_PROJECT + "=" + name.value())).exec();
        if (volumes.getVolumes() != null) {
            for (var v : volumes.getVolumes()) {
                if (!name.value().equals(label(v.getLabels(), Labels.ENVIRONMENT))) {
                    found.add("volume " + v.getName());
                }
            }
        }
        return found;
    }

    /** The ids of the images built for the environment (they carry its label), in use or not. */
    public java.util.Set<String> builtImages(EnvironmentName name) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        client.listImagesCmd().withShowAll(true).withLabelFilter(Map.of(Labels.ENVIRONMENT, name.value())).exec()
                .forEach(i -> ids.add(i.getId()));
        return ids;
    }

    /** The environment an image was built for (its reviewenv label), or empty for any other image or none. */
    public java.util.Optional<String> imageEnvironment(String image) {
        try {
            var labels = client.inspectImageCmd(image).exec().getConfig();
            return java.util.Optional.ofNullable(labels == null ? null : label(labels.getLabels(), Labels.ENVIRONMENT));
        } catch (NotFoundException e) {
            return java.util.Optional.empty();
        }
    }

    /** Removes one image, never forced: false when a container still uses it. "Not found" counts as removed. */
    public boolean removeImage(String image) {
        try {
            client.removeImageCmd(image).withForce(false).exec();
            return true;
        } catch (NotFoundException ignored) {
            return true;
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            return false;
        }
    }

    /** One container on a network: its environment (reviewenv's label, or null) and the names it answers to there. */
    public record Endpoint(String container, String environment, java.util.Set<String> names) {
    }

    /** Every container on {@code network} with the DNS names it answers to on it (its name, its aliases). */
    public List<Endpoint> endpoints(String network) {
        List<Endpoint> out = new ArrayList<>();
        for (Container c : client.listContainersCmd().withShowAll(true).withNetworkFilter(List.of(network)).exec()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            for (String n : c.getNames() == null ? new String[0] : c.getNames()) {
                names.add(n.replaceFirst("^/", ""));
            }
            var settings = c.getNetworkSettings();
            var net = settings == null || settings.getNetworks() == null ? null : settings.getNetworks().get(network);
            if (net == null) {
                try {
                    var inspected = client.inspectContainerCmd(c.getId()).exec().getNetworkSettings().getNetworks().get(network);
                    net = inspected;
                } catch (NotFoundException gone) {
                    continue;
                }
            }
            if (net != null && net.getAliases() != null) {
                names.addAll(net.getAliases());
            }
            out.add(new Endpoint(c.getId(), label(c.getLabels(), Labels.ENVIRONMENT), names));
        }
        return out;
    }

    /** The compose projects or stacks (or container names) of the containers, in any state, that run {@code image}. */
    public java.util.Set<String> imageUsers(String image) {
        java.util.Set<String> users = new java.util.TreeSet<>();
        try {
            for (Container c : client.listContainersCmd().withShowAll(true).withAncestorFilter(List.of(image)).exec()) {
                String project = label(c.getLabels(), Labels.COMPOSE_PROJECT);
                project = project != null ? project : label(c.getLabels(), SwarmApi.STACK_NAMESPACE);
                users.add(project != null ? project : String.join(",", c.getNames()));
            }
        } catch (RuntimeException noSuchImage) {
            // an image that is not there has no users
        }
        return users;
    }

    /** The ids of the images the environment's containers on this host run (a Compose project's or a stack's). */
    public java.util.Set<String> imageIds(EnvironmentName project) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Container c : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.ENVIRONMENT, project.value())).exec()) {
            ids.add(c.getImageId());
        }
        return ids;
    }

    public boolean imageExists(String image) {
        try {
            client.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Where the engine keeps images, containers and volumes ({@code DockerRootDir}). */
    public java.nio.file.Path dataRoot() {
        return java.nio.file.Path.of(client.infoCmd().exec().getDockerRootDir());
    }

    /** The gateway address of a network (the host, as its containers reach it), if it has one. */
    public java.util.Optional<String> gateway(String network) {
        return client.listNetworksCmd().withNameFilter(network).exec().stream().filter(n -> n.getName().equals(network))
                .findFirst().map(Network::getIpam).map(Network.Ipam::getConfig).flatMap(configs -> configs.stream()
                        .map(Network.Ipam.Config::getGateway).filter(g -> g != null && !g.isBlank()).findFirst());
    }

    /** The size of an image in bytes; empty when it is not on the host. */
    public java.util.OptionalLong imageSize(String image) {
        try {
            Long size = client.inspectImageCmd(image).exec().getSize();
            return size == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(size);
        } catch (NotFoundException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /**
     * One sample of every running container of the environment, taken at once (the engine needs
     * about a second for the CPU share); empty when none runs.
     */
    public java.util.Optional<StackEngine.Usage> usage(EnvironmentName project) {
        return usage(ours(project));
    }

    /** {@link #usage(EnvironmentName)} of the running containers on this host that carry all of {@code labels}. */
    public java.util.Optional<StackEngine.Usage> usage(Map<String, String> labels) {
        List<Container> running = client.listContainersCmd().withLabelFilter(labels).exec();
        List<java.util.concurrent.CompletableFuture<StackEngine.Usage>> samples = new ArrayList<>();
        for (Container c : running) {
            var sample = new java.util.concurrent.CompletableFuture<StackEngine.Usage>();
            samples.add(sample);
            client.statsCmd(c.getId()).withNoStream(true).exec(new ResultCallback.Adapter<Statistics>() {
                @Override
                public void onNext(Statistics st) {
                    sample.complete(usageOf(st));
                }

                @Override
                public void onError(Throwable t) {
                    sample.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    sample.complete(new StackEngine.Usage(0, 0, 0));
                }
            });
        }
        StackEngine.Usage total = null;
        for (var sample : samples) {
            try {
                StackEngine.Usage u = sample.get(10, TimeUnit.SECONDS);
                total = total == null ? u : total.plus(u);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // a container that stopped meanwhile counts for nothing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return java.util.Optional.ofNullable(total);
    }

    private static StackEngine.Usage usageOf(Statistics st) {
        long memory = 0;
        if (st.getMemoryStats() != null && st.getMemoryStats().getUsage() != null) {
            memory = st.getMemoryStats().getUsage();
            // As docker stats shows it: without the page cache the kernel can drop.
            var stats = st.getMemoryStats().getStats();
            if (stats != null && stats.getCache() != null && stats.getCache() < memory) {
                memory -= stats.getCache();
            }
        }
        double cpu = 0;
        var now = st.getCpuStats();
        var before = st.getPreCpuStats();
        if (now != null && before != null && now.getCpuUsage() != null && before.getCpuUsage() != null
                && now.getSystemCpuUsage() != null && before.getSystemCpuUsage() != null
                && now.getCpuUsage().getTotalUsage() != null && before.getCpuUsage().getTotalUsage() != null) {
            long used = now.getCpuUsage().getTotalUsage() - before.getCpuUsage().getTotalUsage();
            long system = now.getSystemCpuUsage() - before.getSystemCpuUsage();
            long cpus = now.getOnlineCpus() != null ? now.getOnlineCpus() : 1;
            if (used > 0 && system > 0) {
                cpu = 100.0 * used / system * cpus;
            }
        }
        long pids = st.getPidsStats() != null && st.getPidsStats().getCurrent() != null ? st.getPidsStats().getCurrent() : 0;
        return new StackEngine.Usage(memory, cpu, pids);
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
     * Creates the shared network as an attachable overlay (a swarm's services and Traefik's container
     * meet there), if it is missing; fails with the fix when a network of that name is of another kind.
     */
    public void ensureOverlayNetwork(String name) {
        var found = client.listNetworksCmd().withNameFilter(name).exec().stream().filter(n -> n.getName().equals(name)).findFirst();
        if (found.isEmpty()) {
            client.createNetworkCmd().withName(name).withDriver("overlay").withAttachable(true)
                    .withLabels(Map.of("dev.reviewenv.shared-network", "true")).exec();
        } else if (!"overlay".equals(found.get().getDriver()) || !Boolean.TRUE.equals(found.get().isAttachable())) {
            throw new IllegalStateException("the network " + name + " is a " + found.get().getDriver() + " network"
                    + (Boolean.TRUE.equals(found.get().isAttachable()) ? "" : " (not attachable)") + "; a swarm needs an"
                    + " attachable overlay: remove it (docker network rm " + name + ") once nothing uses it, or set"
                    + " reviewenv.network to another name");
        }
    }

    /** Removes the networks and volumes on this host that carry {@code label=value}; returns what was removed. */
    public List<String> removeNetworksAndVolumes(String label, String value) {
        List<String> removed = new ArrayList<>();
        for (Network n : client.listNetworksCmd().withFilter("label", List.of(label + "=" + value)).exec()) {
            try {
                client.removeNetworkCmd(n.getId()).exec();
                removed.add("network " + n.getName());
            } catch (NotFoundException ignored) {
                // already gone
            } catch (com.github.dockerjava.api.exception.InternalServerErrorException e) {
                // A swarm removes an overlay network's copy on this node a moment after the network: listed, then gone.
                if (e.getMessage() == null || !e.getMessage().contains("not found")) {
                    throw e;
                }
            }
        }
        var volumes = client.listVolumesCmd().withFilter("label", List.of(label + "=" + value)).exec();
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
        return removed;
    }

    /** The containers on this host, in any state, that carry all of {@code labels}: their ids. */
    public List<String> containerIds(Map<String, String> labels) {
        return client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream().map(Container::getId).toList();
    }

    /** Removes, running or not, the containers on this host that carry all of {@code labels}; returns their names. */
    public List<String> removeContainers(Map<String, String> labels) {
        List<String> removed = new ArrayList<>();
        for (Container c : client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
            try {
                client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                removed.add(String.join(",", c.getNames()).replace("/", ""));
            } catch (NotFoundException gone) {
                // removed meanwhile
            }
        }
        return removed;
    }

    /** Removes the containers on this host that carry all of {@code labels} and do not run; returns their names. */
    public List<String> removeStoppedContainers(Map<String, String> labels) {
        List<String> removed = new ArrayList<>();
        for (Container c : client.listContainersCmd().withShowAll(true).withLabelFilter(labels)
                .withStatusFilter(List.of("exited", "created", "dead")).exec()) {
            try {
                client.removeContainerCmd(c.getId()).withRemoveVolumes(true).exec();
                removed.add(String.join(",", c.getNames()).replace("/", ""));
            } catch (NotFoundException | com.github.dockerjava.api.exception.ConflictException gone) {
                // gone meanwhile, or started again
            }
        }
        return removed;
    }

    /**
     * Connects the container to the network, if it is not on it yet. Fails when either is missing.
     */
    public void connect(String network, String container) {
        if (networksOf(container).contains(network)) {
            return;
        }
        try {
            client.connectToNetworkCmd().withNetworkId(network).withContainerId(container).exec();
        } catch (com.github.dockerjava.api.exception.DockerException e) {
            // "already exists in network": connected meanwhile
            if (!networksOf(container).contains(network)) {
                throw e;
            }
        }
    }

    /** Takes the container off the network; a container or network that is gone, or not connected, counts as done. */
    public void disconnect(String network, String container) {
        try {
            if (!networksOf(container).contains(network)) {
                return;
            }
            client.disconnectFromNetworkCmd().withNetworkId(network).withContainerId(container).withForce(true).exec();
        } catch (NotFoundException gone) {
            // nothing to take off
        } catch (com.github.dockerjava.api.exception.InternalServerErrorException e) {
            if (e.getMessage() == null || !e.getMessage().contains("not connected")) {
                throw e;
            }
        }
    }

    /** The names of the networks a container is on; empty when it is not there. */
    public java.util.Set<String> networksOf(String container) {
        try {
            var settings = client.inspectContainerCmd(container).exec().getNetworkSettings();
            return settings == null || settings.getNetworks() == null ? java.util.Set.of()
                    : new java.util.TreeSet<>(settings.getNetworks().keySet());
        } catch (NotFoundException e) {
            return java.util.Set.of();
        }
    }

    /** The kinds of Docker object a deploy creates under names of its own. */
    public enum Kind { CONTAINER, NETWORK, VOLUME }

    /**
     * The labels of the object of that kind and exact name, if it is there (an object without labels
     * has an empty map).
     */
    public java.util.Optional<Map<String, String>> labelsOf(Kind kind, String name) {
        try {
            Map<String, String> labels = switch (kind) {
                case CONTAINER -> {
                    var found = client.listContainersCmd().withShowAll(true)
                            .withNameFilter(List.of("^/" + java.util.regex.Pattern.quote(name) + "$")).exec().stream()
                            .filter(c -> c.getNames() != null && java.util.Arrays.asList(c.getNames()).contains("/" + name)).findFirst();
                    if (found.isEmpty()) {
                        throw new NotFoundException("no container " + name);
                    }
                    yield found.get().getLabels();
                }
                case NETWORK -> {
                    var found = client.listNetworksCmd().withNameFilter(name).exec().stream()
                            .filter(n -> n.getName().equals(name)).findFirst();
                    if (found.isEmpty()) {
                        throw new NotFoundException("no network " + name);
                    }
                    yield found.get().getLabels();
                }
                case VOLUME -> client.inspectVolumeCmd(name).exec().getLabels();
            };
            return java.util.Optional.of(labels == null ? Map.of() : labels);
        } catch (NotFoundException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The bytes each environment holds on the host's disk, by reviewenv's label: its volumes, what
     * its containers wrote (their writable layers, and their log files where this process may read
     * them), and the images built for it. Docker measures volumes by walking them, so this is for
     * when the disk is short, not for every pass.
     */
    public Map<String, Long> diskUse() {
        Map<String, Long> use = new java.util.TreeMap<>();
        com.github.dockerjava.transport.DockerHttpClient.Request request = com.github.dockerjava.transport.DockerHttpClient.Request
                .builder().method(com.github.dockerjava.transport.DockerHttpClient.Request.Method.GET).path("/system/df").build();
        com.fasterxml.jackson.databind.JsonNode df;
        try (var response = http.execute(request)) {
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("the Docker engine answered " + response.getStatusCode() + " to /system/df");
            }
            df = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.getBody());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot ask the Docker engine how much disk is used", e);
        }
        for (var v : df.path("Volumes")) {
            add(use, v.path("Labels").path(Labels.ENVIRONMENT).asText(null), v.path("UsageData").path("Size").asLong(0));
        }
        for (var i : df.path("Images")) {
            add(use, i.path("Labels").path(Labels.ENVIRONMENT).asText(null), i.path("Size").asLong(0));
        }
        for (var c : df.path("Containers")) {
            String env = c.path("Labels").path(Labels.ENVIRONMENT).asText(null);
            add(use, env, c.path("SizeRw").asLong(0));
            if (env != null) {
                add(use, env, logBytes(c.path("Id").asText()));
            }
        }
        return use;
    }

    private static void add(Map<String, Long> use, String env, long bytes) {
        if (env != null && bytes > 0) {
            use.merge(env, bytes, Long::sum);
        }
    }

    /** The size of a container's log files (json-file keeps {@code <log>}, {@code <log>.1}, ...); 0 where unreadable. */
    private long logBytes(String container) {
        try {
            String path = client.inspectContainerCmd(container).exec().getLogPath();
            if (path == null || path.isEmpty()) {
                return 0;
            }
            java.nio.file.Path log = java.nio.file.Path.of(path);
            long total = 0;
            try (var files = java.nio.file.Files.list(log.getParent())) {
                for (java.nio.file.Path f : files.filter(f -> f.getFileName().toString().startsWith(log.getFileName().toString())).toList()) {
                    total += java.nio.file.Files.size(f);
                }
            }
            return total;
        } catch (IOException | RuntimeException unreadable) {
            return 0; // the data root is root's; a service without its rights counts what Docker says
        }
    }

    /** Whether a container of that name or id is there, running or not. */
    public boolean containerExists(String container) {
        try {
            client.inspectContainerCmd(container).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * Creates a bridge network of reviewenv's own (a build's), with these labels and driver options;
     * {@code internal}: no way out of it.
     */
    public void createNetwork(String name, Map<String, String> labels, Map<String, String> options, boolean internal) {
        client.createNetworkCmd().withName(name).withDriver("bridge").withLabels(labels).withOptions(options)
                .withInternal(internal).withCheckDuplicate(true).exec();
    }

    /** Removes a network by name; "not found" counts as removed. */
    public void removeNetwork(String name) {
        try {
            client.removeNetworkCmd(name).exec();
        } catch (NotFoundException gone) {
            // removed already
        }
    }

    /** The names of the volumes that carry {@code label} (whatever its value). */
    public List<String> volumesWithLabel(String label) {
        var volumes = client.listVolumesCmd().withFilter("label", List.of(label)).exec().getVolumes();
        return volumes == null ? List.of() : volumes.stream().map(v -> v.getName()).toList();
    }

    /** Removes a volume; false when a container still uses it. "Not found" counts as removed. */
    public boolean removeVolume(String name) {
        try {
            client.removeVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException gone) {
            return true;
        } catch (com.github.dockerjava.api.exception.ConflictException inUse) {
            return false;
        }
    }

    /** Creates a local volume with these labels. */
    public void createVolume(String name, Map<String, String> labels) {
        client.createVolumeCmd().withName(name).withDriver("local").withLabels(labels).exec();
    }

    /** The id of an image, if it is on the host. */
    public java.util.Optional<String> imageId(String image) {
        try {
            return java.util.Optional.ofNullable(client.inspectImageCmd(image).exec().getId());
        } catch (NotFoundException e) {
            return java.util.Optional.empty();
        }
    }

    /** Writes an image of the host's store as a docker-archive ({@code docker save}). */
    public void saveImage(String image, java.nio.file.Path file) {
        try (java.io.InputStream in = client.saveImageCmd(image).exec()) {
            java.nio.file.Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot save image " + image + " to " + file, e);
        }
    }

    /**
     * Loads one image from a docker-archive into the host's store under {@code tag} and no other
     * name: whatever names the archive gives (its {@code manifest.json}, its {@code repositories}),
     * only {@code tag} is applied. Refuses an archive of more or less than one image. Returns the
     * image's id.
     */
    public String loadImage(java.nio.file.Path archive, String tag) {
        java.nio.file.Path tagged = archive.resolveSibling(archive.getFileName() + ".tagged");
        try {
            ImageArchives.retag(archive, tagged, tag);
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(tagged)) {
                client.loadImageCmd(in).exec();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot load the image built as " + tag + ": " + e.getMessage(), e);
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(tagged);
            } catch (IOException ignored) {
                // its directory goes with the build
            }
        }
        return imageId(tag).orElseThrow(() -> new IllegalStateException("the image built as " + tag + " is not on the host after loading it"));
    }

    /** The swarm's view of this engine: its services, tasks and nodes (see {@link SwarmApi}). */
    public SwarmApi swarm() {
        return new SwarmApi(client);
    }

    /**
     * Removes whatever still carries reviewenv's label for the environment: containers first
     * (with their anonymous volumes), then networks, then volumes. Nothing without that label is
     * touched. "Not found" counts as removed. Returns what was removed, one line each.
     */
    public List<String> sweep(EnvironmentName project, Consumer<String> out) {
        List<String> removed = new ArrayList<>();
        for (Container c : client.listContainersCmd().withShowAll(true).withLabelFilter(ours(project)).exec()) {
            try {
                client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                removed.add("container " + String.join(",", c.getNames()));
            } catch (NotFoundException ignored) {
                // already gone
            }
        }
        removed.addAll(removeNetworksAndVolumes(Labels.ENVIRONMENT, project.value()));
        removed.forEach(r -> out.accept("swept " + r));
        return removed;
    }

    /** The labels that make a container the environment's: Compose's project and reviewenv's own. */
    private static Map<String, String> ours(EnvironmentName name) {
        return Map.of(Labels.COMPOSE_PROJECT, name.value(), Labels.ENVIRONMENT, name.value());
    }

    private static String label(Map<String, String> labels, String key) {
        return labels == null ? null : labels.get(key);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
