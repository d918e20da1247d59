package dev.reviewenv.engine.compose;

import dev.reviewenv.engine.docker.ContainerLogs;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.docker.DockerObjects;
import dev.reviewenv.engine.docker.DockerVolumes;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.stack.LogFollower;
import dev.reviewenv.engine.stack.LogQuery;
import dev.reviewenv.engine.stack.LogSink;
import dev.reviewenv.engine.stack.StackObjects;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.naming.EnvironmentName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** The single-host engine: Compose runs each environment as a project of its own name on this Docker engine. */
public class ComposeStacks implements StackEngine {
    private final ComposeCli compose;
    private final DockerEngine docker;

    public ComposeStacks(ComposeCli compose, DockerEngine docker) {
        this.compose = compose;
        this.docker = docker;
    }

    @Override
    public String kind() {
        return "compose";
    }

    @Override
    public void ping() {
        docker.ping();
    }

    @Override
    public Exec exec(EnvironmentName name, String service, List<String> command, java.time.Duration bound, Consumer<String> out) {
        String container = docker.runningContainer(Map.of(Labels.ENVIRONMENT, name.value(), Labels.COMPOSE_PROJECT, name.value(),
                Labels.COMPOSE_SERVICE, service)).orElseThrow(() -> new IllegalStateException("service " + service + " of " + name
                        + " has no running container to run the command in"));
        return docker.exec(container, command, bound, out);
    }

    @Override
    public Optional<VolumeSize> measureVolume(EnvironmentName owner, String volume, EnvironmentName target,
            java.time.Duration bound) {
        if (!docker.volumes().exists(volume)) {
            return Optional.empty();
        }
        requireOwn(owner, volume);
        DockerVolumes.Measured m = docker.volumes().measure(volume, Map.of(Labels.ENVIRONMENT, target.value(),
                Labels.COMPOSE_PROJECT, target.value()), bound);
        return Optional.of(new VolumeSize(m.bytes(), m.reflink(), m.took()));
    }

    /** The copy carries Compose's labels of the target project's volume too, so Compose takes it as its own. */
    @Override
    public VolumeCopy copyVolume(EnvironmentName owner, String volume, EnvironmentName target, String key, String to,
            Map<String, String> labels, VolumeSize measured, java.time.Duration bound) {
        requireOwn(owner, volume);
        Map<String, String> all = new java.util.LinkedHashMap<>(labels);
        all.put(Labels.COMPOSE_PROJECT, target.value());
        all.put(COMPOSE_VOLUME, key);
        DockerVolumes.Copied c = docker.volumes().copy(volume, to, all, new DockerVolumes.Measured(measured.bytes(),
                measured.reflink(), measured.measured()), bound);
        return new VolumeCopy(c.bytes(), c.reflink(), c.took(), c.paused());
    }

    /** Compose's label of a volume's key in its project. */
    private static final String COMPOSE_VOLUME = "com.docker.compose.volume";

    @Override
    public List<String> resume(EnvironmentName name) {
        return docker.volumes().resumePaused(Map.of(Labels.ENVIRONMENT, name.value(), Labels.COMPOSE_PROJECT, name.value()));
    }

    /** Only a volume that carries reviewenv's label for {@code owner} is ever read for a copy. */
    private void requireOwn(EnvironmentName owner, String volume) {
        Map<String, String> labels = docker.objects().labelsOf(DockerObjects.Kind.VOLUME, volume)
                .orElseThrow(() -> new IllegalStateException("volume " + volume + " of " + owner + " is not there"));
        if (!owner.value().equals(labels.get(Labels.ENVIRONMENT))) {
            throw new IllegalStateException("volume " + volume + " is not " + owner + "'s" + whose(labels)
                    + "; only an environment's own volumes are copied");
        }
    }

    @Override
    public void ensureNetwork(String network) {
        docker.networks().ensureNetwork(network);
    }

    @Override
    public void up(Stack stack, Consumer<String> out) {
        compose.up(stack.name().value(), stack.file(), stack.projectDir(), out);
    }

    @Override
    public void down(Stack stack, Consumer<String> out) {
        compose.down(stack.name().value(), stack.file(), stack.projectDir(), out);
    }

    @Override
    public void stop(Stack stack, Consumer<String> out) {
        compose.stop(stack.name().value(), stack.file(), stack.projectDir(), out);
    }

    @Override
    public void start(Stack stack, Consumer<String> out) {
        compose.start(stack.name().value(), stack.file(), stack.projectDir(), out);
    }

    @Override
    public List<String> strangers(EnvironmentName name, Map<String, Object> rendered, boolean recorded) {
        List<String> found = new ArrayList<>();
        StackObjects.replicas(rendered).forEach((service, n) -> {
            // Both Composes name containers <project>_<service>_<n> (v2 in its compatibility mode, see ComposeCli).
            for (int i = 1; i <= Math.max(n, 1); i++) {
                stranger(DockerObjects.Kind.CONTAINER, name.value() + "_" + service + "_" + i, name, false).ifPresent(found::add);
            }
        });
        for (String network : StackObjects.defined(rendered, "networks", name)) {
            stranger(DockerObjects.Kind.NETWORK, network, name, recorded).ifPresent(found::add);
        }
        for (String volume : StackObjects.defined(rendered, "volumes", name)) {
            stranger(DockerObjects.Kind.VOLUME, volume, name, recorded).ifPresent(found::add);
        }
        return found;
    }

    /**
     * The object of that name, if it is there and not the environment's: its label says whose it is;
     * a network or volume of an older deploy carries only Compose's project label, which counts when
     * the environment is {@code recorded}.
     */
    private Optional<String> stranger(DockerObjects.Kind kind, String object, EnvironmentName name, boolean recorded) {
        return docker.objects().labelsOf(kind, object).filter(labels -> !(name.value().equals(labels.get(Labels.ENVIRONMENT))
                || recorded && kind != DockerObjects.Kind.CONTAINER && name.value().equals(labels.get(Labels.COMPOSE_PROJECT))))
                .map(labels -> kind.name().toLowerCase(java.util.Locale.ROOT) + " " + object + whose(labels));
    }

    private static String whose(Map<String, String> labels) {
        String env = labels.get(Labels.ENVIRONMENT);
        String project = labels.get(Labels.COMPOSE_PROJECT);
        return env != null ? " (environment " + env + "'s)" : project != null ? " (compose project " + project + ")" : " (not reviewenv's)";
    }

    @Override
    public void recreate(Stack stack, Consumer<String> out) {
        compose.downKeepingVolumes(stack.name().value(), stack.file(), stack.projectDir(), out);
    }

    @Override
    public List<Unit> units(EnvironmentName name) {
        return docker.containers(name);
    }

    @Override
    public List<String> logTail(Unit unit, int lines) {
        return docker.logTail(unit.id(), lines);
    }

    @Override
    public LogFollower logs(EnvironmentName name, Optional<String> service, LogQuery query, LogSink sink) {
        return docker.logs().follow(new ContainerLogs.Selector(Map.of(Labels.COMPOSE_PROJECT, name.value(),
                Labels.ENVIRONMENT, name.value()), Labels.COMPOSE_SERVICE, ""), service, query, sink);
    }

    @Override
    public Set<EnvironmentName> environments() {
        return docker.environmentsWithContainers();
    }

    @Override
    public Set<EnvironmentName> environmentsRunning() {
        return docker.environmentsRunning();
    }

    @Override
    public List<String> foreign(EnvironmentName name, boolean recorded) {
        return docker.foreign(name, recorded);
    }

    @Override
    public List<String> sweep(EnvironmentName name, Consumer<String> out) {
        return docker.sweep(name, out);
    }

    @Override
    public Optional<Usage> usage(EnvironmentName name) {
        return docker.usage(name);
    }

    @Override
    public Optional<String> hostAddress(String network) {
        return docker.networks().gateway(network);
    }

    @Override
    public void forgetImages(Collection<String> images, Consumer<String> out) {
        // One host: the image store is the only place an image was.
    }
}
