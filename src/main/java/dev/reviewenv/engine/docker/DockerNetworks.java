package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import dev.reviewenv.engine.stack.Endpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The networks of the host over the Docker API: the shared network and a build's, who is on a
 * network under which names, and Traefik's container joining and leaving the environments' networks.
 */
public class DockerNetworks implements Endpoints {
    private final DockerClient client;

    DockerNetworks(DockerClient client) {
        this.client = client;
    }

    /** Every container on {@code network} with the DNS names it answers to on it (its name, its aliases). */
    @Override
    public List<Endpoint> on(String network) {
        List<Endpoint> out = new ArrayList<>();
        for (Container c : client.listContainersCmd().withShowAll(true).withNetworkFilter(List.of(network)).exec()) {
            Set<String> names = new java.util.TreeSet<>();
            for (String n : c.getNames() == null ? new String[0] : c.getNames()) {
                names.add(n.replaceFirst("^/", ""));
            }
            // The list does not carry a container's aliases (Docker 20.10 sends none there): only its inspection does.
            com.github.dockerjava.api.model.ContainerNetwork net;
            try {
                var networks = client.inspectContainerCmd(c.getId()).exec().getNetworkSettings().getNetworks();
                net = networks == null ? null : networks.get(network);
            } catch (NotFoundException gone) {
                continue;
            }
            if (net != null && net.getAliases() != null) {
                names.addAll(net.getAliases());
            }
            out.add(new Endpoint(c.getId(), c.getLabels() == null ? null : c.getLabels().get(Labels.ENVIRONMENT), names));
        }
        return out;
    }

    /** The gateway address of a network (the host, as its containers reach it), if it has one. */
    public Optional<String> gateway(String network) {
        return client.listNetworksCmd().withNameFilter(network).exec().stream().filter(n -> n.getName().equals(network))
                .findFirst().map(Network::getIpam).map(Network.Ipam::getConfig).flatMap(configs -> configs.stream()
                        .map(Network.Ipam.Config::getGateway).filter(g -> g != null && !g.isBlank()).findFirst());
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
    public Set<String> networksOf(String container) {
        try {
            var settings = client.inspectContainerCmd(container).exec().getNetworkSettings();
            return settings == null || settings.getNetworks() == null ? java.util.Set.of()
                    : new java.util.TreeSet<>(settings.getNetworks().keySet());
        } catch (NotFoundException e) {
            return java.util.Set.of();
        }
    }
}
