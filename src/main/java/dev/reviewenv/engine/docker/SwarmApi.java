package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Swarm part of the Docker API, read from a manager: services by label, their tasks, the
 * nodes, task logs. Changes go through the {@code docker} CLI (stack deploy, scale, rm), so what
 * reviewenv does is what an operator would type.
 */
public class SwarmApi {
    /** Set by {@code docker stack deploy} on every service, network, volume and container of a stack. */
    public static final String STACK_NAMESPACE = "com.docker.stack.namespace";
    /** Set by Swarm on every container of a service. */
    public static final String SERVICE_NAME = "com.docker.swarm.service.name";

    private final DockerClient client;

    SwarmApi(DockerClient client) {
        this.client = client;
    }

    /**
     * One service: its id and name, its labels, how many replicas it asks for (null: global), when it
     * was made and when its last rolling update began (null: none yet).
     */
    public record SwarmService(String id, String name, Map<String, String> labels, Long replicas, Instant createdAt,
            Instant updateStartedAt) {
    }

    /** One task as the manager sees it now. */
    public record SwarmTask(String id, String serviceId, Integer slot, String nodeId, String state, String desiredState,
            Instant createdAt, Integer exitCode, String error) {
    }

    /** One node: its id, host name, state ({@code ready}, {@code down}, ...) and availability. */
    public record SwarmNodeInfo(String id, String hostname, String state, String availability) {
        public boolean ready() {
            return "ready".equals(state);
        }
    }

    /**
     * Whether this engine manages a swarm (it is a manager with the control plane available); fails
     * with the next step when it is not part of one.
     */
    public void requireManager() {
        var swarm = client.infoCmd().exec().getSwarm();
        String state = swarm == null || swarm.getLocalNodeState() == null ? "inactive" : swarm.getLocalNodeState().getValue();
        if (!"active".equals(state)) {
            throw new IllegalStateException("reviewenv.engine=swarm, but this Docker engine is not in a swarm (" + state
                    + "); run 'docker swarm init' here (or join it to one as a manager), or set reviewenv.engine=compose");
        }
        if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
            throw new IllegalStateException("reviewenv.engine=swarm, but this Docker engine is a swarm worker; run reviewenv"
                    + " on a manager ('docker node promote " + swarm.getNodeID() + "' makes this one a manager)");
        }
    }

    /** The services that carry {@code label}, whatever its value. */
    public List<SwarmService> servicesWithLabel(String label) {
        return services(Map.of()).stream().filter(s -> s.labels().containsKey(label)).toList();
    }

    /** The services that carry all of {@code labels} (all services when it is empty). */
    public List<SwarmService> services(Map<String, String> labels) {
        List<SwarmService> out = new ArrayList<>();
        var command = client.listServicesCmd();
        if (!labels.isEmpty()) {
            command = command.withLabelFilter(labels);
        }
        for (Service s : command.exec()) {
            var spec = s.getSpec();
            Long replicas = spec == null || spec.getMode() == null || spec.getMode().getReplicated() == null ? null
                    : spec.getMode().getReplicated().getReplicas();
            var update = s.getUpdateStatus();
            out.add(new SwarmService(s.getId(), spec == null ? s.getId() : spec.getName(),
                    spec == null || spec.getLabels() == null ? Map.of() : spec.getLabels(), replicas,
                    s.getCreatedAt() == null ? Instant.EPOCH : s.getCreatedAt().toInstant(),
                    update == null || update.getStartedAt() == null ? null : update.getStartedAt().toInstant()));
        }
        return out;
    }

    /** Every task of the services, current and past (Swarm keeps a few ended ones per slot). */
    public List<SwarmTask> tasks(List<String> serviceIds) {
        if (serviceIds.isEmpty()) {
            return List.of();
        }
        List<SwarmTask> out = new ArrayList<>();
        for (Task t : client.listTasksCmd().withServiceFilter(serviceIds.toArray(String[]::new)).exec()) {
            var status = t.getStatus();
            Integer exit = status == null || status.getContainerStatus() == null ? null : status.getContainerStatus().getExitCode();
            out.add(new SwarmTask(t.getId(), t.getServiceId(), t.getSlot(), t.getNodeId(),
                    status == null || status.getState() == null ? "unknown" : status.getState().getValue(),
                    t.getDesiredState() == null ? "unknown" : t.getDesiredState().getValue(),
                    instant(t.getCreatedAt()), exit, status == null ? null : status.getErr()));
        }
        return out;
    }

    /**
     * Whether the swarm still holds a task of any of these services (removed or not) on a node that is
     * up: that node may still run it. A down node's tasks stay in the swarm until it comes back.
     */
    public boolean anyTaskOf(java.util.Set<String> serviceIds) {
        if (serviceIds.isEmpty()) {
            return false;
        }
        Map<String, SwarmNodeInfo> nodes = nodes();
        return client.listTasksCmd().exec().stream().anyMatch(t -> serviceIds.contains(t.getServiceId())
                && t.getNodeId() != null && nodes.containsKey(t.getNodeId()) && nodes.get(t.getNodeId()).ready());
    }

    /** The nodes of the swarm by id. */
    public Map<String, SwarmNodeInfo> nodes() {
        Map<String, SwarmNodeInfo> out = new HashMap<>();
        for (SwarmNode n : client.listSwarmNodesCmd().exec()) {
            String host = n.getDescription() == null ? n.getId() : n.getDescription().getHostname();
            String state = n.getStatus() == null || n.getStatus().getState() == null ? "unknown" : n.getStatus().getState().name()
                    .toLowerCase(java.util.Locale.ROOT);
            String availability = n.getSpec() == null || n.getSpec().getAvailability() == null ? "unknown"
                    : n.getSpec().getAvailability().name().toLowerCase(java.util.Locale.ROOT);
            out.put(n.getId(), new SwarmNodeInfo(n.getId(), host, state, availability));
        }
        return out;
    }

    /** The last lines a task printed (through the swarm's log of it, wherever it ran). */
    public List<String> taskLogTail(String taskId, int lines) {
        try {
            return DockerEngine.frames(callback -> client.logTaskCmd(taskId).withStdout(true).withStderr(true).withTail(lines)
                    .exec(callback));
        } catch (com.github.dockerjava.api.exception.DockerException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }

    /** Removes a service; "not found" counts as removed. */
    public void removeService(String id) {
        try {
            client.removeServiceCmd(id).exec();
        } catch (NotFoundException ignored) {
            // already gone
        }
    }

    private static Instant instant(String text) {
        try {
            return text == null ? Instant.EPOCH : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
