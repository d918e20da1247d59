package dev.reviewenv.engine.swarm;

import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.docker.SwarmApi;
import dev.reviewenv.engine.process.CommandRunner;
import dev.reviewenv.engine.registry.RegistryApi;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.stack.StackObjects;
import dev.reviewenv.naming.EnvironmentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The swarm engine: each environment is a stack of its name ({@code docker stack deploy}) on the
 * swarm this host manages. Images the file builds are built here by Compose and pushed to the
 * registry every node pulls from; the stack is then deployed from the recorded file. A stop scales
 * the services to 0 and a start scales them back to what the file asks for; a removal is
 * {@code docker stack rm}, then what the stack leaves on this node (its networks and volumes), its
 * images in the registry, and what it left on the other nodes ({@link NodeJanitor}).
 * Units are tasks: for each slot the newest task tells how it stands.
 */
public class SwarmStacks implements StackEngine {
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long Swarm may take to begin the rolling update a deploy asked for. */
    private static final Duration TAKE_UP = Duration.ofSeconds(3);
    /** How long another node may take to remove the containers of a task Swarm let go of. */
    private static final Duration NODE_GRACE = Duration.ofSeconds(3);

    private final DockerEngine docker;
    private final SwarmApi swarm;
    private final CommandRunner runner;
    private final Optional<RegistryApi> registry;
    private final Duration timeout;
    private final Optional<NodeJanitor> janitor;

    public SwarmStacks(DockerEngine docker, CommandRunner runner, Optional<RegistryApi> registry,
            Duration timeout) {
        this.docker = docker;
        this.swarm = docker.swarm();
        this.runner = runner;
        this.registry = registry;
        this.timeout = timeout;
        this.janitor = registry.map(r -> new NodeJanitor(runner, swarm, r, timeout));
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
    public void ensureNetwork(String network) {
        docker.ensureOverlayNetwork(network);
    }

    @Override
    public void up(Stack stack, Consumer<String> out) {
        Map<String, Object> doc = read(stack.file());
        Map<String, Map<String, Object>> builds = builds(doc);
        if (!builds.isEmpty()) {
            // reviewenv built them in its sandbox, tagged as the registry's names the nodes pull.
            for (Map<String, Object> service : builds.values()) {
                run("push", List.of("docker", "push", String.valueOf(service.get("image"))), out);
            }
        }
        deploy(stack, out);
    }

    /**
     * Deploys the recorded file, then waits (briefly) until Swarm has taken up the change: each
     * service made or its rolling update begun since, so the tasks read next are the new ones. A
     * deploy that changes nothing begins no update; the wait ends after {@link #TAKE_UP} then.
     */
    private void deploy(Stack stack, Consumer<String> out) {
        Instant since = Instant.now().minusSeconds(1);
        run("stack deploy", List.of("docker", "stack", "deploy", "--prune", "--resolve-image", "never",
                "--with-registry-auth", "-c", stack.file().toString(), stack.name().value()), out);
        Instant deadline = Instant.now().plus(TAKE_UP);
        while (Instant.now().isBefore(deadline) && !services(stack.name()).stream().allMatch(s -> takenUp(s, since))) {
            sleep();
        }
    }

    /** Whether Swarm acted on a service since {@code since}: made it, began updating it, or started a task of it. */
    private boolean takenUp(SwarmApi.SwarmService s, Instant since) {
        return s.createdAt().isAfter(since) || s.updateStartedAt() != null && s.updateStartedAt().isAfter(since)
                || swarm.tasks(List.of(s.id())).stream().anyMatch(t -> t.createdAt().isAfter(since));
    }

    @Override
    public void down(Stack stack, Consumer<String> out) {
        Set<String> serviceIds = new java.util.HashSet<>();
        swarm.services(Map.of(Labels.ENVIRONMENT, stack.name().value())).forEach(s -> serviceIds.add(s.id()));
        List<String> argv = List.of("docker", "stack", "rm", stack.name().value());
        out.accept("$ " + String.join(" ", argv));
        CommandRunner.Result removal = runner.run(argv, null, Map.of(), timeout, out);
        if (!removal.ok()) {
            // It removes the networks right after the services, while their tasks still stop: those are
            // removed by label below, once the tasks are gone.
            out.accept("docker stack rm left part of " + stack.name() + " (exit " + removal.exitCode() + "); the rest goes by label");
        }
        awaitGone(stack.name(), serviceIds, out);
        docker.removeNetworksAndVolumes(Labels.ENVIRONMENT, stack.name().value()).forEach(r -> out.accept("removed " + r));
        removeFromRegistry(builds(read(stack.file())).values().stream().map(s -> String.valueOf(s.get("image"))).toList(), out);
        if (swarm.nodes().size() > 1) {
            // Another node removes a task's container a moment after Swarm lets go of the task; its image
            // and volume can only go after that.
            sleep(NODE_GRACE);
        }
        onEveryNode("removed what " + stack.name() + " left", List.of("system", "prune", "--all", "--volumes", "--force",
                "--filter", "label=" + Labels.ENVIRONMENT + "=" + stack.name().value()), "what is left there stays", out);
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

    /** Removes every tag of the registry's repositories of {@code images} (each environment's own). */
    private void removeFromRegistry(Collection<String> images, Consumer<String> out) {
        if (registry.isEmpty()) {
            return;
        }
        Set<String> repositories = new LinkedHashSet<>();
        for (String image : images) {
            String repository = registry.get().repository(image);
            if (repository != null) {
                repositories.add(repository);
            }
        }
        for (String repository : repositories) {
            for (String tag : registry.get().tags(repository)) {
                if (registry.get().delete(repository, tag)) {
                    out.accept("removed " + registry.get().prefix() + repository.substring(repository.lastIndexOf('/') + 1)
                            + ":" + tag + " from the registry");
                }
            }
        }
    }

    @Override
    public void stop(Stack stack, Consumer<String> out) {
        List<String> argv = new ArrayList<>(List.of("docker", "service", "scale", "--detach"));
        for (SwarmApi.SwarmService s : services(stack.name())) {
            argv.add(s.name() + "=0");
        }
        if (argv.size() > 4) {
            run("service scale", argv, out);
        }
        // Swarm removes the tasks of a service scaled to 0; a scale up while one is still there starts
        // nothing for its slot (and nothing later either), so the stop ends when they are gone.
        List<String> ids = services(stack.name()).stream().map(SwarmApi.SwarmService::id).toList();
        Instant deadline = Instant.now().plus(timeout);
        while (!swarm.tasks(ids).isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the tasks of " + stack.name() + " were not all gone " + timeout.toSeconds()
                        + " s after their scale to 0");
            }
            sleep();
        }
    }

    @Override
    public void start(Stack stack, Consumer<String> out) {
        Map<String, Long> replicas = replicas(read(stack.file()));
        Instant since = Instant.now().minusSeconds(1);
        List<String> argv = new ArrayList<>(List.of("docker", "service", "scale", "--detach"));
        List<SwarmApi.SwarmService> services = services(stack.name());
        for (SwarmApi.SwarmService s : services) {
            String service = s.name().substring(stack.name().value().length() + 1);
            argv.add(s.name() + "=" + replicas.getOrDefault(service, 1L));
        }
        if (services.isEmpty() || services.size() < replicas.size()) {
            deploy(stack, out); // what was scaled down is not all there: the file makes it anew
            return;
        }
        run("service scale", argv, out);
        // A scale to 0 removed the tasks; readiness needs the new ones to read.
        Instant deadline = Instant.now().plus(timeout);
        while (!services.stream().allMatch(s -> replicas.getOrDefault(s.name().substring(stack.name().value().length() + 1), 1L) == 0
                || swarm.tasks(List.of(s.id())).stream().anyMatch(t -> t.createdAt().isAfter(since)))) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Swarm started no task of " + stack.name() + " within " + timeout.toSeconds() + " s");
            }
            sleep();
        }
    }

    /** The replicas each service of a rendered file asks for (1 when it does not say). */
    private static Map<String, Long> replicas(Map<String, Object> doc) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((k, v) -> {
                Object n = v instanceof Map<?, ?> s && s.get("deploy") instanceof Map<?, ?> d ? d.get("replicas") : null;
                out.put(String.valueOf(k), n instanceof Number num ? num.longValue() : 1L);
            });
        }
        return out;
    }

    @Override
    public List<Unit> units(EnvironmentName name) {
        List<SwarmApi.SwarmService> services = services(name);
        Map<String, String> serviceNames = services.stream().collect(Collectors.toMap(SwarmApi.SwarmService::id,
                s -> s.name().startsWith(name.value() + "_") ? s.name().substring(name.value().length() + 1) : s.name()));
        Map<String, SwarmApi.SwarmTask> newest = new TreeMap<>();
        for (SwarmApi.SwarmTask t : swarm.tasks(services.stream().map(SwarmApi.SwarmService::id).toList())) {
            String slot = t.serviceId() + "/" + (t.slot() != null ? t.slot() : t.nodeId());
            newest.merge(slot, t, (a, b) -> a.createdAt().isAfter(b.createdAt()) ? a : b);
        }
        Map<String, SwarmApi.SwarmNodeInfo> nodes = newest.isEmpty() ? Map.of() : swarm.nodes();
        List<Unit> out = new ArrayList<>();
        for (SwarmApi.SwarmTask t : newest.values()) {
            String service = serviceNames.getOrDefault(t.serviceId(), t.serviceId());
            SwarmApi.SwarmNodeInfo node = t.nodeId() == null ? null : nodes.get(t.nodeId());
            out.add(unit(t, service, node));
        }
        out.sort(Comparator.comparing(Unit::name));
        return out;
    }

    /** A task as a unit: its state in the words of a container's, so readiness reads both alike. */
    private static Unit unit(SwarmApi.SwarmTask t, String service, SwarmApi.SwarmNodeInfo node) {
        String state;
        String health = null;
        Integer exit = t.exitCode();
        switch (t.state()) {
            case "running" -> state = "running";
            case "complete" -> {
                state = "exited";
                exit = 0;
            }
            case "failed", "rejected" -> {
                // A task Swarm could not start (no such image, no room) has no exit code of its own.
                state = exit == null || exit == 0 ? "dead" : "exited";
                exit = "dead".equals(state) ? null : exit;
            }
            case "shutdown", "remove", "orphaned" -> state = "exited";
            case "starting" -> {
                state = "created";
                health = "starting";
            }
            default -> state = "created";
        }
        String where = node == null ? null : node.hostname() + (node.ready() ? "" : " (" + node.state() + ")");
        return new Unit(t.id(), service + "." + (t.slot() == null ? t.id().substring(0, 12) : t.slot()), service, state, health,
                exit, where, t.error());
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

    @Override
    public Set<EnvironmentName> environments() {
        Set<EnvironmentName> names = new TreeSet<>();
        for (SwarmApi.SwarmService s : swarm.servicesWithLabel(Labels.ENVIRONMENT)) {
            String env = s.labels().get(Labels.ENVIRONMENT);
            if (env != null && env.equals(s.labels().get(SwarmApi.STACK_NAMESPACE))) {
                EnvironmentName.parse(env).ifPresent(names::add);
            }
        }
        return names;
    }

    @Override
    public Set<EnvironmentName> environmentsRunning() {
        Map<String, EnvironmentName> byService = new LinkedHashMap<>();
        for (SwarmApi.SwarmService s : swarm.servicesWithLabel(Labels.ENVIRONMENT)) {
            String env = s.labels().get(Labels.ENVIRONMENT);
            if (env != null && env.equals(s.labels().get(SwarmApi.STACK_NAMESPACE))) {
                EnvironmentName.parse(env).ifPresent(n -> byService.put(s.id(), n));
            }
        }
        Set<EnvironmentName> running = new TreeSet<>();
        for (SwarmApi.SwarmTask t : swarm.tasks(List.copyOf(byService.keySet()))) {
            if ("running".equals(t.state())) {
                running.add(byService.get(t.serviceId()));
            }
        }
        return running;
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
            DockerEngine.Kind k = kind.equals("networks") ? DockerEngine.Kind.NETWORK : DockerEngine.Kind.VOLUME;
            for (String object : StackObjects.defined(rendered, kind, name)) {
                docker.labelsOf(k, object).filter(l -> !(name.value().equals(l.get(Labels.ENVIRONMENT))
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
        removed.addAll(docker.removeNetworksAndVolumes(Labels.ENVIRONMENT, name.value()));
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
        return docker.gateway("docker_gwbridge");
    }

    @Override
    public void forgetImages(Collection<String> images, Consumer<String> out) {
        if (!images.isEmpty()) {
            List<String> argv = new ArrayList<>(List.of("image", "rm", "--"));
            argv.addAll(images);
            onEveryNode("removed " + String.join(", ", images), argv, "not there, or still in use", out);
        }
    }

    @Override
    public Map<EnvironmentName, String> troubles() {
        Map<EnvironmentName, String> troubles = new TreeMap<>();
        Map<String, SwarmApi.SwarmNodeInfo> nodes = null;
        for (EnvironmentName name : environments()) {
            List<SwarmApi.SwarmService> services = services(name);
            List<String> short1 = new ArrayList<>();
            for (SwarmApi.SwarmService s : services) {
                if (s.replicas() == null || s.replicas() == 0) {
                    continue;
                }
                List<SwarmApi.SwarmTask> tasks = swarm.tasks(List.of(s.id()));
                long running = tasks.stream().filter(t -> "running".equals(t.state()) && "running".equals(t.desiredState())).count();
                if (running < s.replicas()) {
                    if (nodes == null) {
                        nodes = swarm.nodes();
                    }
                    Map<String, SwarmApi.SwarmNodeInfo> all = nodes;
                    Set<String> lost = tasks.stream().map(SwarmApi.SwarmTask::nodeId).filter(id -> id != null && all.containsKey(id)
                            && !all.get(id).ready()).map(id -> all.get(id).hostname() + " (" + all.get(id).state() + ")")
                            .collect(Collectors.toCollection(TreeSet::new));
                    if (!lost.isEmpty()) {
                        short1.add("service " + s.name() + " runs " + running + " of " + s.replicas() + "; it ran on "
                                + String.join(", ", lost));
                    }
                }
            }
            if (!short1.isEmpty()) {
                troubles.put(name, String.join("; ", short1));
            }
        }
        return troubles;
    }

    @Override
    public void tidy(EnvironmentName name, Consumer<String> out) {
        docker.removeStoppedContainers(Map.of(Labels.ENVIRONMENT, name.value(), SwarmApi.STACK_NAMESPACE, name.value()))
                .forEach(c -> out.accept("removed stopped container " + c + " of a replaced task"));
    }

    /** Asks Swarm to place the tasks of an environment's services anew (what ran on a lost node goes elsewhere). */
    @Override
    public void reschedule(EnvironmentName name, Consumer<String> out) {
        for (SwarmApi.SwarmService s : services(name)) {
            if (s.replicas() != null && s.replicas() > 0) {
                run("service update", List.of("docker", "service", "update", "--detach", "--force", s.name()), out);
            }
        }
    }

    private List<SwarmApi.SwarmService> services(EnvironmentName name) {
        return swarm.services(Map.of(Labels.ENVIRONMENT, name.value(), SwarmApi.STACK_NAMESPACE, name.value()));
    }

    /**
     * Waits until no service of the environment is left, no container of it on this node, and no task
     * of {@code serviceIds} anywhere (a node removes a task's container once Swarm let go of the task).
     */
    private void awaitGone(EnvironmentName name, Set<String> serviceIds, Consumer<String> out) {
        Instant deadline = Instant.now().plus(timeout);
        while (!swarm.services(Map.of(Labels.ENVIRONMENT, name.value())).isEmpty()
                || !docker.containerIds(Map.of(Labels.ENVIRONMENT, name.value())).isEmpty() || swarm.anyTaskOf(serviceIds)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the stack " + name + " was still there " + timeout.toSeconds()
                        + " s after its removal");
            }
            sleep();
        }
        out.accept("stack " + name + " is gone from the swarm");
    }

    private static Map<String, Object> read(Path file) {
        try {
            return ComposeDocument.parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The services of a rendered file that build their image, by name. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> builds(Map<String, Object> doc) {
        Map<String, Map<String, Object>> builds = new LinkedHashMap<>();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((k, v) -> {
                if (v instanceof Map<?, ?> s && s.get("build") != null && s.get("image") != null) {
                    builds.put(String.valueOf(k), (Map<String, Object>) s);
                }
            });
        }
        return builds;
    }

    private void run(String verb, List<String> argv, Consumer<String> out) {
        out.accept("$ " + String.join(" ", argv));
        CommandRunner.Result r = runner.run(argv, null, Map.of(), timeout, out);
        if (r.timedOut()) {
            throw new IllegalStateException("docker " + verb + " did not finish within " + timeout.toSeconds() + " s and was killed");
        }
        if (!r.ok()) {
            throw new IllegalStateException("docker " + verb + " failed (exit " + r.exitCode() + "):\n" + r.tailText());
        }
    }

    private static void sleep() {
        sleep(POLL);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
