package dev.reviewenv.engine.swarm;

import dev.reviewenv.engine.docker.ContainerLogs;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.docker.DockerObjects;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.docker.SwarmApi;
import dev.reviewenv.engine.process.CommandRunner;
import dev.reviewenv.engine.registry.RegistryApi;
import dev.reviewenv.engine.stack.LogFollower;
import dev.reviewenv.engine.stack.LogQuery;
import dev.reviewenv.engine.stack.LogSink;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.stack.StackObjects;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.time.Poller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The swarm engine: each environment is a stack of its name ({@code docker stack deploy}) on the
 * swarm this host manages. Images the file builds are built by reviewenv's sandbox and pushed to the
 * registry every node pulls from; the stack is then deployed from the recorded file. A stop scales
 * the services to 0 and a start scales them back to what the file asks for; a removal is
 * {@code docker stack rm}, then what the stack leaves on this node (its networks and volumes), its
 * images in the registry, and what it left on the other nodes ({@link NodeJanitor}). What a swarm
 * runs differently is made of the rendered model at admission ({@link #adapt}, {@link SwarmModel}).
 * Units are tasks ({@link SwarmTasks}). Every command is {@link SwarmCommands}'.
 */
public class SwarmStacks implements StackEngine {
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long Swarm may take to begin the rolling update a deploy asked for. */
    private static final Duration TAKE_UP = Duration.ofSeconds(3);
    /** How long another node may take to remove the containers of a task Swarm let go of. */
    private static final Duration NODE_GRACE = Duration.ofSeconds(3);

    /** Where built images go ({@code registry}: the name in image references; {@code api}: its HTTP API) and the time bounds. */
    public record Settings(Optional<String> registry, Optional<RegistryApi> api, Duration timeout, Duration stopTimeout) {
    }

    private final DockerEngine docker;
    private final DockerObjects objects;
    private final SwarmApi swarm;
    private final SwarmTasks tasks;
    private final CommandRunner runner;
    private final Settings settings;
    private final Clock clock;
    private final Poller poller;
    private final Optional<NodeJanitor> janitor;

    public SwarmStacks(DockerEngine docker, CommandRunner runner, Settings settings, Clock clock) {
        this.docker = docker;
        this.objects = docker.objects();
        this.swarm = docker.swarm();
        this.tasks = new SwarmTasks(swarm);
        this.runner = runner;
        this.settings = settings;
        this.clock = clock;
        this.poller = new Poller(clock, POLL);
        this.janitor = settings.api().map(r -> new NodeJanitor(runner, swarm, r, settings.timeout(), poller));
    }

    /** Fails with the next step unless this engine manages a swarm. */
    public SwarmStacks requireManager() {
        swarm.requireManager();
        return this;
    }

    @Override
    public String kind() {
        return "swarm";
    }

    @Override
    public String projectNoun() {
        return "stack";
    }

    @Override
    public void ping() {
        docker.ping();
    }

    @Override
    public List<String> adapt(String file, Map<String, Object> rendered, EnvironmentName name, String commit) {
        return SwarmModel.adapt(file, rendered, name, commit, settings.registry(), settings.stopTimeout());
    }

    @Override
    public Exec exec(EnvironmentName name, String service, List<String> command, Duration bound, Consumer<String> out) {
        // reviewenv's label too: a service name alone is a label any stack's file could give its containers.
        String container = docker.runningContainer(Map.of(Labels.ENVIRONMENT, name.value(), SwarmApi.STACK_NAMESPACE, name.value(),
                SwarmApi.SERVICE_NAME, name.value() + "_" + service))
                .orElseThrow(() -> new IllegalStateException("service " + service + " of " + name + " has no running task on this"
                        + " host (the manager); commands run only in tasks here: constrain the service to the manager"
                        + " (deploy.placement.constraints: [node.role == manager])"));
        return docker.exec(container, command, bound, out);
    }

    @Override
    public Optional<String> cannotCopyVolumes() {
        return Optional.of("on the swarm engine a volume is a node's, and the new stack's tasks may be placed on any other"
                + " node: volumes are not seeded here; fill them in after-create, or run this repository on the compose engine");
    }

    @Override
    public Optional<VolumeSize> measureVolume(EnvironmentName owner, String volume, EnvironmentName target, Duration bound) {
        throw new IllegalStateException(cannotCopyVolumes().orElseThrow());
    }

    @Override
    public VolumeCopy copyVolume(EnvironmentName owner, String volume, EnvironmentName target, String key, String to,
            Map<String, String> labels, VolumeSize measured, Duration bound) {
        throw new IllegalStateException(cannotCopyVolumes().orElseThrow());
    }

    @Override
    public void ensureNetwork(String network) {
        docker.networks().ensureOverlayNetwork(network);
    }

    @Override
    public void up(Stack stack, Consumer<String> out) {
        // reviewenv built them in its sandbox, tagged as the registry's names the nodes pull.
        for (String image : StackFile.read(stack.file()).builtImages()) {
            run("docker push", SwarmCommands.push(image), out);
        }
        deploy(stack, out);
    }

    /**
     * Deploys the recorded file, then waits until Swarm has taken up the change, so the tasks read
     * next are the new ones: each service it made has its first task (up to the timeout: every such
     * service gets one), and each other service has begun its rolling update or started a new task.
     * A deploy that changes a service not at all begins nothing for it; that wait ends after
     * {@link #TAKE_UP}.
     */
    private void deploy(Stack stack, Consumer<String> out) {
        Instant since = clock.instant().minusSeconds(1);
        run("docker stack deploy", SwarmCommands.deploy(stack.file(), stack.name().value()), out);
        poller.until(settings.timeout(), () -> tasks.services(stack.name()).stream()
                .allMatch(s -> !made(s, since) || newTask(s, since)));
        poller.until(TAKE_UP, () -> tasks.services(stack.name()).stream().allMatch(s -> takenUp(s, since)));
    }

    /** Whether Swarm made the service since {@code since}, to run at least one task. */
    private static boolean made(SwarmApi.SwarmService s, Instant since) {
        return s.createdAt().isAfter(since) && !Long.valueOf(0).equals(s.replicas());
    }

    private boolean newTask(SwarmApi.SwarmService s, Instant since) {
        return swarm.tasks(List.of(s.id())).stream().anyMatch(t -> t.createdAt().isAfter(since));
    }

    /** Whether Swarm acted on a service since {@code since}: made it, began updating it, or started a task of it. */
    private boolean takenUp(SwarmApi.SwarmService s, Instant since) {
        return s.createdAt().isAfter(since) || s.updateStartedAt() != null && s.updateStartedAt().isAfter(since)
                || newTask(s, since);
    }

    @Override
    public void down(Stack stack, Consumer<String> out) {
        Set<String> serviceIds = new java.util.HashSet<>();
        swarm.services(Map.of(Labels.ENVIRONMENT, stack.name().value())).forEach(s -> serviceIds.add(s.id()));
        List<String> argv = SwarmCommands.remove(stack.name().value());
        out.accept("$ " + String.join(" ", argv));
        CommandRunner.Result removal = runner.run(argv, null, Map.of(), settings.timeout(), out);
        if (!removal.ok()) {
            // It removes the networks right after the services, while their tasks still stop: those are
            // removed by label below, once the tasks are gone.
            out.accept("docker stack rm left part of " + stack.name() + " (exit " + removal.exitCode() + "); the rest goes by label");
        }
        awaitGone(stack.name(), serviceIds, out);
        objects.removeNetworksAndVolumes(Labels.ENVIRONMENT, stack.name().value()).forEach(r -> out.accept("removed " + r));
        settings.api().ifPresent(r -> r.removeRepositoriesOf(StackFile.read(stack.file()).builtImages(), out));
        if (swarm.nodes().size() > 1) {
            // Another node removes a task's container a moment after Swarm lets go of the task; its image
            // and volume can only go after that.
            Poller.pause(NODE_GRACE);
        }
        onEveryNode("removed what " + stack.name() + " left", SwarmCommands.pruneEnvironment(Labels.ENVIRONMENT,
                stack.name().value()), "what is left there stays", out);
    }

    /**
     * Runs a fixed {@code docker} command on every node (see {@link NodeJanitor}); a failure is said,
     * not thrown: what it did not reach stays on that node and the output names it.
     */
    private void onEveryNode(String purpose, List<String> arguments, String failed, Consumer<String> out) {
        if (janitor.isEmpty()) {
            out.accept("no registry is set, so nothing runs on the other nodes (" + purpose + ": not done there)");
            return;
        }
        try {
            janitor.get().everywhere(purpose, arguments, failed, out);
        } catch (RuntimeException e) {
            out.accept("could not run on the other nodes (" + purpose + "): " + e.getMessage());
        }
    }

    @Override
    public void stop(Stack stack, Consumer<String> out) {
        Map<String, Long> zero = new LinkedHashMap<>();
        tasks.services(stack.name()).forEach(s -> zero.put(s.name(), 0L));
        if (!zero.isEmpty()) {
            run("docker service scale", SwarmCommands.scale(zero), out);
        }
        // Swarm removes the tasks of a service scaled to 0; a scale up while one is still there starts
        // nothing for its slot (and nothing later either), so the stop ends when they are gone.
        List<String> ids = tasks.services(stack.name()).stream().map(SwarmApi.SwarmService::id).toList();
        if (!poller.until(settings.timeout(), () -> swarm.tasks(ids).isEmpty())) {
            throw new IllegalStateException("the tasks of " + stack.name() + " were not all gone " + settings.timeout().toSeconds()
                    + " s after their scale to 0");
        }
    }

    @Override
    public void start(Stack stack, Consumer<String> out) {
        Map<String, Long> replicas = StackFile.read(stack.file()).replicas();
        Instant since = clock.instant().minusSeconds(1);
        List<SwarmApi.SwarmService> services = tasks.services(stack.name());
        if (services.isEmpty() || services.size() < replicas.size()) {
            deploy(stack, out); // what was scaled down is not all there: the file makes it anew
            return;
        }
        Map<String, Long> wanted = new LinkedHashMap<>();
        services.forEach(s -> wanted.put(s.name(), replicas.getOrDefault(SwarmTasks.inStack(stack.name(), s), 1L)));
        run("docker service scale", SwarmCommands.scale(wanted), out);
        // A scale to 0 removed the tasks; readiness needs the new ones to read.
        boolean started = poller.until(settings.timeout(), () -> services.stream().allMatch(s -> wanted.get(s.name()) == 0
                || swarm.tasks(List.of(s.id())).stream().anyMatch(t -> t.createdAt().isAfter(since))));
        if (!started) {
            throw new IllegalStateException("Swarm started no task of " + stack.name() + " within " + settings.timeout().toSeconds()
                    + " s");
        }
    }

    @Override
    public List<Unit> units(EnvironmentName name) {
        return tasks.units(name);
    }

    @Override
    public List<String> logTail(Unit unit, int lines) {
        List<String> out = new ArrayList<>();
        if (unit.error() != null && !unit.error().isBlank()) {
            out.add("(swarm: " + unit.error() + (unit.node() == null ? "" : " on " + unit.node()) + ")");
        }
        out.addAll(swarm.taskLogTail(unit.id(), lines));
        return out;
    }

    /**
     * The containers of the stack's tasks that run on this host (the manager), by the labels Swarm
     * and reviewenv put on them; tasks on other nodes are not shown (Swarm's service logs through
     * the manager would show them; not tried on a multi-node swarm yet).
     */
    @Override
    public LogFollower logs(EnvironmentName name, Optional<String> service, LogQuery query, LogSink sink) {
        return docker.logs().follow(new ContainerLogs.Selector(Map.of(Labels.ENVIRONMENT, name.value(),
                SwarmApi.STACK_NAMESPACE, name.value()), SwarmApi.SERVICE_NAME, name.value() + "_"), service, query, sink);
    }

    @Override
    public Set<EnvironmentName> environments() {
        return tasks.environments();
    }

    @Override
    public Set<EnvironmentName> environmentsRunning() {
        return tasks.running();
    }

    @Override
    public List<String> foreign(EnvironmentName name, boolean recorded) {
        List<String> found = new ArrayList<>();
        for (SwarmApi.SwarmService s : swarm.services(Map.of(SwarmApi.STACK_NAMESPACE, name.value()))) {
            if (!name.value().equals(s.labels().get(Labels.ENVIRONMENT))) {
                found.add("service " + s.name());
            }
        }
        return found;
    }

    @Override
    public List<String> strangers(EnvironmentName name, Map<String, Object> rendered, boolean recorded) {
        List<String> found = new ArrayList<>();
        Map<String, SwarmApi.SwarmService> byName = new TreeMap<>();
        swarm.services(Map.of()).forEach(s -> byName.put(s.name(), s));
        for (String service : StackObjects.replicas(rendered).keySet()) {
            SwarmApi.SwarmService s = byName.get(name.value() + "_" + service);
            if (s != null && !name.value().equals(s.labels().get(Labels.ENVIRONMENT))) {
                found.add("service " + s.name() + " (not reviewenv's)");
            }
        }
        for (String kind : List.of("networks", "volumes")) {
            DockerObjects.Kind k = kind.equals("networks") ? DockerObjects.Kind.NETWORK : DockerObjects.Kind.VOLUME;
            for (String object : StackObjects.defined(rendered, kind, name)) {
                objects.labelsOf(k, object).filter(l -> !(name.value().equals(l.get(Labels.ENVIRONMENT))
                        || recorded && name.value().equals(l.get(SwarmApi.STACK_NAMESPACE))))
                        .ifPresent(l -> found.add(kind.substring(0, kind.length() - 1) + " " + object + " (not reviewenv's)"));
            }
        }
        return found;
    }

    @Override
    public List<String> sweep(EnvironmentName name, Consumer<String> out) {
        List<String> removed = new ArrayList<>();
        for (SwarmApi.SwarmService s : swarm.services(Map.of(Labels.ENVIRONMENT, name.value()))) {
            swarm.removeService(s.id());
            removed.add("service " + s.name());
        }
        awaitGone(name, Set.of(), out); // a container still stopping holds its networks and volumes
        removed.addAll(objects.removeNetworksAndVolumes(Labels.ENVIRONMENT, name.value()));
        removed.forEach(r -> out.accept("swept " + r));
        return removed;
    }

    @Override
    public Optional<Usage> usage(EnvironmentName name) {
        return docker.usage(Map.of(Labels.ENVIRONMENT, name.value(), SwarmApi.STACK_NAMESPACE, name.value()));
    }

    @Override
    public Optional<String> hostAddress(String network) {
        // Containers on an overlay network reach their own host through docker_gwbridge.
        return docker.networks().gateway("docker_gwbridge");
    }

    @Override
    public void forgetImages(Collection<String> images, Consumer<String> out) {
        if (!images.isEmpty()) {
            onEveryNode("removed " + String.join(", ", images), SwarmCommands.removeImages(List.copyOf(images)),
                    "not there, or still in use", out);
        }
    }

    @Override
    public Map<EnvironmentName, String> troubles() {
        return tasks.troubles();
    }

    @Override
    public void tidy(EnvironmentName name, Consumer<String> out) {
        objects.removeStoppedContainers(Map.of(Labels.ENVIRONMENT, name.value(), SwarmApi.STACK_NAMESPACE, name.value()))
                .forEach(c -> out.accept("removed stopped container " + c + " of a replaced task"));
    }

    /** Asks Swarm to place the tasks of an environment's services anew (what ran on a lost node goes elsewhere). */
    @Override
    public void reschedule(EnvironmentName name, Consumer<String> out) {
        for (SwarmApi.SwarmService s : tasks.services(name)) {
            if (s.replicas() != null && s.replicas() > 0) {
                run("docker service update", SwarmCommands.reschedule(s.name()), out);
            }
        }
    }

    /**
     * Waits until no service of the environment is left, no container of it on this node, and no task
     * of {@code serviceIds} anywhere (a node removes a task's container once Swarm let go of the task).
     */
    private void awaitGone(EnvironmentName name, Set<String> serviceIds, Consumer<String> out) {
        boolean gone = poller.until(settings.timeout(), () -> swarm.services(Map.of(Labels.ENVIRONMENT, name.value())).isEmpty()
                && objects.containerIds(Map.of(Labels.ENVIRONMENT, name.value())).isEmpty() && !swarm.anyTaskOf(serviceIds));
        if (!gone) {
            throw new IllegalStateException("the stack " + name + " was still there " + settings.timeout().toSeconds()
                    + " s after its removal");
        }
        out.accept("stack " + name + " is gone from the swarm");
    }

    private void run(String what, List<String> argv, Consumer<String> out) {
        out.accept("$ " + String.join(" ", argv));
        runner.runOrThrow(what, argv, Map.of(), settings.timeout(), out, IllegalStateException::new);
    }
}
