package dev.reviewenv.engine.traefik;

import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.docker.DockerNetworks;
import dev.reviewenv.engine.docker.DockerObjects;
import java.util.Set;

/**
 * Traefik's container, which joins the routing network of every environment (and nothing joins
 * a network of another environment): the only thing that reaches an environment's routed service
 * from outside it. Joining and leaving are idempotent, so a pass can put back what a restarted
 * Traefik container lost.
 */
public class TraefikContainer {
    private final DockerNetworks docker;
    private final DockerObjects objects;
    private final String container;

    public TraefikContainer(DockerEngine docker, String container) {
        this.docker = docker.networks();
        this.objects = docker.objects();
        this.container = container;
    }

    /** The container's name ({@code reviewenv.traefik.container}). */
    public String name() {
        return container;
    }

    /**
     * Connects Traefik to {@code network}. Returns false, and connects nothing, when Traefik's
     * container is not there (being restarted, say): the reaper joins it to every routing network
     * once it is back.
     */
    public boolean join(String network) {
        if (!objects.containerExists(container)) {
            return false;
        }
        docker.connect(network, container);
        return true;
    }

    /** What to say when Traefik's container was not there to join {@code network}. */
    public String missing(String network) {
        return "Traefik's container " + container + " is not there, so it could not join " + network + "; it joins at the"
                + " next reaper pass once it runs again (start it with traefik/run.sh or the reviewenv-traefik unit, or set"
                + " reviewenv.traefik.container to its name)";
    }

    /** Takes Traefik off {@code network} (before the network is removed). */
    public void leave(String network) {
        docker.disconnect(network, container);
    }

    /** The networks Traefik is on now. */
    public Set<String> networks() {
        return docker.networksOf(container);
    }
}
