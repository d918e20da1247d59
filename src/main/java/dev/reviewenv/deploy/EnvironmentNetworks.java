package dev.reviewenv.deploy;

import dev.reviewenv.engine.docker.Labels;
import static dev.reviewenv.deploy.ComposeRenderer.ROUTING_NETWORK_KEY;

import dev.reviewenv.engine.docker.Bridges;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The networks of a rendered file, made the environment's: the file's default network is declared
 * when a service is on it, the environment's routing network (which Traefik joins) is added and only
 * the routed service joins it, and every bridge gets a Linux bridge name the host's firewall knows.
 * Also reads which networks a service joins, in either form Compose writes.
 */
final class EnvironmentNetworks {
    private EnvironmentNetworks() {
    }

    /** Network keys of the file that start with {@link ComposeRenderer#ROUTING_NETWORK_KEY} are reviewenv's own: each a problem. */
    static void refuseOwnKeys(Map<String, Object> networks, List<String> problems) {
        if (networks != null) {
            networks.keySet().stream().filter(k -> k.startsWith(ROUTING_NETWORK_KEY)).forEach(k -> problems.add("networks." + k
                    + ": network keys starting with '" + ROUTING_NETWORK_KEY + "' are reviewenv's own; rename your network"));
        }
    }

    /** The file's default network is declared (so it is labelled) when a service is on it. */
    static void declareDefault(Map<String, Object> networks, Map<String, Object> services) {
        if (!networks.containsKey("default") && services.values().stream().anyMatch(EnvironmentNetworks::onDefaultNetwork)) {
            networks.put("default", null);
        }
    }

    /** The environment's routing network: internal, labelled, under {@link ComposeRenderer#ROUTING_NETWORK_KEY}. */
    static void addRouting(Map<String, Object> networks, EnvironmentName name) {
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("internal", true);
        routing.put("labels", Labels.withEnvironment(null, name));
        networks.put(ROUTING_NETWORK_KEY, routing);
    }

    /** The routed service joins its environment's routing network, known there as {@code <service>.<name>}. */
    static void joinRoutingNetwork(Map<String, Object> service, EnvironmentName name, String routed) {
        Map<String, Object> map = networksOf(service);
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("aliases", List.of(EnvironmentNames.upstreamHost(name, routed)));
        map.put(ROUTING_NETWORK_KEY, routing);
        service.put("networks", map);
    }

    /**
     * Every bridge network of the environment gets a Linux bridge named {@code rvenv<hash>}: the host's
     * firewall drops what review containers send to the host itself by that prefix (see README,
     * "Security model"), whatever network Compose makes.
     */
    static void nameBridges(Map<String, Object> networks, EnvironmentName name) {
        for (Map.Entry<String, Object> e : networks.entrySet()) {
            String key = e.getKey();
            @SuppressWarnings("unchecked")
            Map<String, Object> def = e.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
            if (Boolean.TRUE.equals(def.get("external")) || def.get("external") instanceof Map) {
                continue;
            }
            Object driver = def.get("driver");
            if (driver == null || "bridge".equals(driver)) {
                Map<String, Object> opts = new LinkedHashMap<>();
                if (def.get("driver_opts") instanceof Map<?, ?> o) {
                    o.forEach((k, x) -> opts.put(String.valueOf(k), x));
                }
                String docker = def.get("name") != null ? String.valueOf(def.get("name")) : name.value() + "_" + key;
                opts.put(Bridges.NAME_OPTION, Bridges.nameFor(docker));
                def.put("driver_opts", opts);
            }
            e.setValue(def);
        }
    }

    /**
     * The networks a service joins, by name, with each one's attachment (null when it has none),
     * from either form Compose writes ({@code [a, b]} or {@code {a: {...}}}); {@code default} when it names none.
     */
    static Map<String, Object> networksOf(Map<String, Object> service) {
        Object declared = service.get("networks");
        Map<String, Object> networks = new LinkedHashMap<>();
        if (declared instanceof List<?> list) {
            list.forEach(n -> networks.put(String.valueOf(n), null));
        } else if (declared instanceof Map<?, ?> m) {
            m.forEach((k, v) -> networks.put(String.valueOf(k), v));
        } else {
            networks.put("default", null);
        }
        return networks;
    }

    /** Whether a service is on the file's default network (it names no networks and has no network_mode). */
    private static boolean onDefaultNetwork(Object service) {
        return service instanceof Map<?, ?> s && s.get("network_mode") == null
                && (s.get("networks") == null || s.get("networks") instanceof Map<?, ?> m && m.containsKey("default")
                        || s.get("networks") instanceof List<?> l && l.contains("default"));
    }
}
