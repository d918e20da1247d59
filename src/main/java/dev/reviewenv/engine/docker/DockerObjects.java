package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The containers and volumes of the host over the Docker API, by label or exact name: whose an
 * object is (its labels), and the removal of what carries a label of reviewenv's.
 */
public class DockerObjects {
    private final DockerClient client;

    DockerObjects(DockerClient client) {
        this.client = client;
    }

    /** The kinds of Docker object a deploy creates under names of its own. */
    public enum Kind { CONTAINER, NETWORK, VOLUME }

    /**
     * The labels of the object of that kind and exact name, if it is there (an object without labels
     * has an empty map).
     */
    public Optional<Map<String, String>> labelsOf(Kind kind, String name) {
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
            return Optional.of(labels == null ? Map.of() : labels);
        } catch (NotFoundException e) {
            return Optional.empty();
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

    /** The names of the volumes that carry {@code label} (whatever its value). */
    public List<String> volumesWithLabel(String label) {
        var volumes = client.listVolumesCmd().withFilter("label", List.of(label)).exec().getVolumes();
        return volumes == null ? List.of() : volumes.stream().map(v -> v.getName()).toList();
    }

    /** Creates a local volume with these labels. */
    public void createVolume(String name, Map<String, String> labels) {
        client.createVolumeCmd().withName(name).withDriver("local").withLabels(labels).exec();
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
}
