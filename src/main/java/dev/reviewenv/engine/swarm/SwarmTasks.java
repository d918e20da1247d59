package dev.reviewenv.engine.swarm;

import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.docker.SwarmApi;
import dev.reviewenv.engine.stack.StackEngine.Unit;
import dev.reviewenv.naming.EnvironmentName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How the environments stand on the swarm, read from the manager: their stacks (services that
 * carry both reviewenv's label and the stack's), their tasks as units (for each slot the newest
 * task tells how it stands), and the services short of tasks since a node left.
 */
final class SwarmTasks {
    private final SwarmApi swarm;

    SwarmTasks(SwarmApi swarm) {
        this.swarm = swarm;
    }

    /** The services of the environment's stack. */
    List<SwarmApi.SwarmService> services(EnvironmentName name) {
        return swarm.services(Map.of(Labels.ENVIRONMENT, name.value(), SwarmApi.STACK_NAMESPACE, name.value()));
    }

    /** The service's name inside its stack ({@code web} of {@code shop_web}). */
    static String inStack(EnvironmentName name, SwarmApi.SwarmService s) {
        return s.name().startsWith(name.value() + "_") ? s.name().substring(name.value().length() + 1) : s.name();
    }

    List<Unit> units(EnvironmentName name) {
        List<SwarmApi.SwarmService> services = services(name);
        Map<String, String> serviceNames = services.stream().collect(Collectors.toMap(SwarmApi.SwarmService::id, s -> inStack(name, s)));
        Map<String, SwarmApi.SwarmTask> newest = new TreeMap<>();
        for (SwarmApi.SwarmTask t : swarm.tasks(services.stream().map(SwarmApi.SwarmService::id).toList())) {
            String slot = t.serviceId() + "/" + (t.slot() != null ? t.slot() : t.nodeId());
            newest.merge(slot, t, (a, b) -> a.createdAt().isAfter(b.createdAt()) ? a : b);
        }
        Map<String, SwarmApi.SwarmNodeInfo> nodes = newest.isEmpty() ? Map.of() : swarm.nodes();
        List<Unit> out = new ArrayList<>();
        for (SwarmApi.SwarmTask t : newest.values()) {
            String service = serviceNames.getOrDefault(t.serviceId(), t.serviceId());
            out.add(unit(t, service, t.nodeId() == null ? null : nodes.get(t.nodeId())));
        }
        out.sort(Comparator.comparing(Unit::name));
        return out;
    }

    /** A task as a unit: its state in the words of a container's, so readiness reads both alike. */
    static Unit unit(SwarmApi.SwarmTask t, String service, SwarmApi.SwarmNodeInfo node) {
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

    /** The environments with a stack, by the labels of its services. */
    Set<EnvironmentName> environments() {
        return new TreeSet<>(stacksByService().values());
    }

    /** The environments with at least one running task. */
    Set<EnvironmentName> running() {
        Map<String, EnvironmentName> byService = stacksByService();
        Set<EnvironmentName> running = new TreeSet<>();
        for (SwarmApi.SwarmTask t : swarm.tasks(List.copyOf(byService.keySet()))) {
            if ("running".equals(t.state())) {
                running.add(byService.get(t.serviceId()));
            }
        }
        return running;
    }

    private Map<String, EnvironmentName> stacksByService() {
        Map<String, EnvironmentName> byService = new LinkedHashMap<>();
        for (SwarmApi.SwarmService s : swarm.servicesWithLabel(Labels.ENVIRONMENT)) {
            String env = s.labels().get(Labels.ENVIRONMENT);
            if (env != null && env.equals(s.labels().get(SwarmApi.STACK_NAMESPACE))) {
                EnvironmentName.parse(env).ifPresent(n -> byService.put(s.id(), n));
            }
        }
        return byService;
    }

    /** For each environment short of running tasks on a node that is not ready: which services, and where they ran. */
    Map<EnvironmentName, String> troubles() {
        Map<EnvironmentName, String> troubles = new TreeMap<>();
        Map<String, SwarmApi.SwarmNodeInfo> nodes = null;
        for (EnvironmentName name : environments()) {
            List<String> short1 = new ArrayList<>();
            for (SwarmApi.SwarmService s : services(name)) {
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
}
