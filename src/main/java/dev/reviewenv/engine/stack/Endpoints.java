package dev.reviewenv.engine.stack;

import java.util.List;
import java.util.Set;

/** Who is on a network of the host, and by which names: what tells Traefik's upstreams apart. */
public interface Endpoints {
    /** One container on a network: its environment (reviewenv's label, or null) and the names it answers to there. */
    record Endpoint(String container, String environment, Set<String> names) {
    }

    /** Every container on {@code network} with the DNS names it answers to on it (its name, its aliases). */
    List<Endpoint> on(String network);
}
