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
import dev.reviewenv.engine.stack.DiskUse;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Docker engine over its API (docker-java), for what the Compose CLI does not tell: the
 * containers of a project by label, their state and health, their logs, what they use on the disk,
 * and the sweep of whatever still carries a project's label. Its parts: {@link #images()},
 * {@link #networks()}, {@link #objects()}.
 */
public class DockerEngine implements Closeable, DiskUse {
    private final DockerClient client;

    private final ApacheDockerHttpClient http;

    private final DockerImages images;
    private final DockerNetworks networks;
    private final DockerObjects objects;
    private final DockerStats stats;
    private final DockerVolumes volumes;
    private final Clock clock;
    private final ContainerLogs logs;

    /** The engine {@code DOCKER_HOST} names (the local socket when unset). */
    public DockerEngine() {
        this(DefaultDockerClientConfig.createDefaultConfigBuilder().build(), Clock.systemUTC());
    }

    /** The engine at {@code dockerHost} ({@code unix:///path/docker.sock}, {@code tcp://host:port}), timed by {@code clock}. */
    public DockerEngine(String dockerHost, Clock clock) {
        this(DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build(), clock);
    }

    private DockerEngine(DockerClientConfig config, Clock clock) {
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(10))
                .responseTimeout(Duration.ofMinutes(2))
                .build();
        this.http = http;
        this.logs = new ContainerLogs(config);
        this.client = DockerClientImpl.getInstance(config, http);
        this.images = new DockerImages(client);
        this.networks = new DockerNetworks(client);
        this.objects = new DockerObjects(client);
        this.stats = new DockerStats(client);
        this.volumes = new DockerVolumes(client, clock);
        this.clock = clock;
    }

    /** Copies of the host's volumes. */
    public DockerVolumes volumes() {
        return volumes;
    }

    /** The host's image store. */
    public DockerImages images() {
        return images;
    }

    /** The host's networks. */
    public DockerNetworks networks() {
        return networks;
    }

    /** The containers' output, followed (a client of its own; see {@link ContainerLogs}). */
    public ContainerLogs logs() {
        return logs;
    }

    /** The host's containers and volumes by label or name. */
    public DockerObjects objects() {
        return objects;
    }

    /** What the running containers that carry all of {@code labels} use right now (one sample); empty when none runs. */
    public Optional<StackEngine.Usage> usage(Map<String, String> labels) {
        return stats.usage(labels);
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

    /** The first running container (by name) that carries all of {@code labels}, if one runs. */
    public Optional<String> runningContainer(Map<String, String> labels) {
        return client.listContainersCmd().withLabelFilter(labels).exec().stream()
                .sorted(java.util.Comparator.comparing(c -> String.join(",", c.getNames()))).map(Container::getId).findFirst();
    }

    /**
     * Runs {@code command} in the running container {@code containerId} (as {@code docker exec}
     * does), its output a line at a time to {@code out}, for at most {@code bound}: then reviewenv
     * stops waiting and says so (the process goes with its container).
     */
    public StackEngine.Exec exec(String containerId, List<String> command, Duration bound, Consumer<String> out) {
        String exec = client.execCreateCmd(containerId).withCmd(command.toArray(String[]::new)).withAttachStdout(true)
                .withAttachStderr(true).exec().getId();
        FrameLines lines = new FrameLines(ContainerLogs.MAX_LINE, out);
        ResultCallback.Adapter<Frame> callback = client.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (lines) {
                    lines.add(frame.getStreamType(), frame.getPayload());
                }
            }
        });
        java.time.Instant until = clock.instant().plus(bound);
        boolean ended;
        try {
            ended = callback.awaitCompletion(bound.toMillis(), TimeUnit.MILLISECONDS);
            // A stream the HTTP client's read timeout cut (a silent command) ends before the command does.
            while (ended && Boolean.TRUE.equals(client.inspectExecCmd(exec).exec().isRunning())) {
                if (!clock.instant().isBefore(until)) {
                    ended = false;
                    break;
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        } finally {
            try {
                callback.close();
            } catch (IOException ignored) {
                // the stream is gone either way
            }
        }
        synchronized (lines) {
            lines.flush();
        }
        if (!ended) {
            return new StackEngine.Exec(-1, true);
        }
        Long code = client.inspectExecCmd(exec).exec().getExitCodeLong();
        return new StackEngine.Exec(code == null ? -1 : code.intValue(), false);
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
    public Set<EnvironmentName> environmentsWithContainers() {
        Set<EnvironmentName> names = new java.util.TreeSet<>();
        for (Container c : client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(Labels.ENVIRONMENT)).exec()) {
            String env = c.getLabels().get(Labels.ENVIRONMENT);
            if (env != null && env.equals(c.getLabels().get(Labels.COMPOSE_PROJECT))) {
                EnvironmentName.parse(env).ifPresent(names::add);
            }
        }
        return names;
    }

    /** The environments with at least one running container. */
    public Set<EnvironmentName> environmentsRunning() {
        Set<EnvironmentName> names = new java.util.TreeSet<>();
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

    /** Where the engine keeps images, containers and volumes ({@code DockerRootDir}). */
    @Override
    public java.nio.file.Path dataRoot() {
        return java.nio.file.Path.of(client.infoCmd().exec().getDockerRootDir());
    }

    /**
     * One sample of every running container of the environment, taken at once (the engine needs
     * about a second for the CPU share); empty when none runs.
     */
    public Optional<StackEngine.Usage> usage(EnvironmentName project) {
        return stats.usage(ours(project));
    }

    /**
     * The bytes each environment holds on the host's disk, by reviewenv's label: its volumes, what
     * its containers wrote (their writable layers, and their log files where this process may read
     * them), and the images built for it. Docker measures volumes by walking them, so this is for
     * when the disk is short, not for every pass.
     */
    @Override
    public Map<String, Long> byEnvironment() {
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
        removed.addAll(objects.removeNetworksAndVolumes(Labels.ENVIRONMENT, project.value()));
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
        logs.close();
        client.close();
    }
}
