package dev.reviewenv.deploy;

import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.config.Lifetime;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a resolved compose model for its environment, the file that is recorded and run:
 * every service, network and volume gets the environment's label; an image that is built is
 * named {@code <name>/<service>:<commit>} and labelled too (so no branch replaces a tag others use);
 * the routed service, and only it, joins the environment's own routing network (which Traefik
 * joins) as {@code <service>.<name>}; {@code NET_RAW} is dropped; every bridge gets a name the
 * host's firewall knows;
 * the project's own name and Compose's default object names are dropped (the project is always
 * the environment). Which service and port are routed: {@code x-reviewenv: {service, port}} of
 * the branch's file, else the first service in the file's order that declares {@code expose}
 * or {@code ports}.
 *
 * <p>The parts: {@link RoutedService} (which service and port), {@link EnvironmentLabels},
 * {@link BuiltImages} and {@link EnvironmentNetworks}.
 */
public final class ComposeRenderer {
    /** The key of reviewenv's own settings in a compose file. */
    public static final String EXTENSION = "x-reviewenv";
    /**
     * The key of the environment's routing network in rendered files: the network only its routed
     * service and Traefik join. Keys starting with it are reviewenv's (the policy refuses them).
     */
    public static final String ROUTING_NETWORK_KEY = EnvironmentNames.ROUTING_NETWORK_KEY;

    private ComposeRenderer() {
    }

    /** The rendered file, the routed service and port, the lifetime the file asks for, and what was changed. */
    public record Rendered(Map<String, Object> document, String service, int port, Optional<Lifetime> lifetime,
            Lifecycle lifecycle, List<String> notes) {
        /** Where the route reaches the routed service: its alias on the environment's routing network. */
        public EnvironmentRecord.Route route(EnvironmentName name) {
            return new EnvironmentRecord.Route(service, port, EnvironmentNames.upstreamHost(name, service), routingNetwork(name));
        }
    }

    /** The Docker name of an environment's routing network, as Compose (and a swarm stack) names it. */
    public static String routingNetwork(EnvironmentName name) {
        return EnvironmentNames.routingNetwork(name);
    }

    /**
     * @param file      the file's name, for errors
     * @param resolved  the model as Compose resolved it (not changed)
     * @param written   the branch's file as written: its {@code x-reviewenv} and its order of services
     * @param name      the environment name
     * @param commit    the commit deployed, which tags what is built
     * @param checkout  where the branch is checked out; relative build contexts resolve against it
     * @param keepNetRaw whether the repository is trusted to keep {@code NET_RAW} (raw sockets, e.g. ping)
     */
    public static Rendered render(String file, Map<String, Object> resolved, Map<String, Object> written, EnvironmentName name,
            String commit, Path checkout, boolean keepNetRaw) {
        Map<String, Object> doc = copyMap(resolved);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        doc.keySet().removeIf(k -> k.equals("name") || k.equals("version") || k.startsWith("x-"));

        Map<String, Object> services = mapAt(doc, "services");
        if (services == null || services.isEmpty()) {
            throw new ComposeFileException(file, List.of("services: no services; a review environment needs at least one"));
        }
        Map<String, Object> ext = mapAt(written, EXTENSION);
        Optional<Lifetime> lifetime = Optional.empty();
        if (ext != null && ext.get("lifetime") != null) {
            try {
                lifetime = Optional.of(Lifetime.parse(String.valueOf(ext.get("lifetime"))));
            } catch (IllegalArgumentException e) {
                problems.add(EXTENSION + ".lifetime: " + e.getMessage());
            }
        }
        RoutedService route = RoutedService.choose(services, mapAt(written, "services"), ext, problems);
        Lifecycle lifecycle = Lifecycle.read(ext, services, mapAt(doc, "volumes"), problems);
        Map<String, Object> networks = mapAt(doc, "networks");
        EnvironmentNetworks.refuseOwnKeys(networks, problems);
        if (route.service().contains(".") || route.service().length() > EnvironmentNames.MAX_LENGTH) {
            problems.add("services." + route.service() + ": the routed service is reached as <service>.<name>, so its name"
                    + " must be one DNS label (no '.', at most 63 characters); rename the service");
        }
        if (services.get(route.service()) instanceof Map<?, ?> routed && routed.get("network_mode") != null) {
            problems.add("services." + route.service() + ".network_mode: the routed service must be on networks to be"
                    + " reached; remove network_mode, or route another service");
        }
        if (!problems.isEmpty()) {
            throw new ComposeFileException(file, problems);
        }

        for (Map.Entry<String, Object> entry : services.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> service = (Map<String, Object>) entry.getValue();
            service.keySet().removeIf(k -> k.startsWith("x-"));
            service.put("labels", Labels.withEnvironment(service.get("labels"), name));
            if (!keepNetRaw) {
                dropNetRaw(service);
            }
            if (service.get("build") != null) {
                BuiltImages.nameBuiltImage(entry.getKey(), service, name, commit, checkout, notes);
            }
            if (entry.getKey().equals(route.service())) {
                EnvironmentNetworks.joinRoutingNetwork(service, name, route.service());
            }
        }
        if (networks == null) {
            networks = new LinkedHashMap<>();
            doc.put("networks", networks);
        }
        EnvironmentNetworks.declareDefault(networks, services);
        for (String kind : List.of("networks", "volumes", "secrets", "configs")) {
            EnvironmentLabels.labelOwn(mapAt(doc, kind), name, !kind.equals("secrets") && !kind.equals("configs"));
        }
        EnvironmentNetworks.addRouting(networks, name);
        EnvironmentNetworks.nameBridges(networks, name);
        BuiltImages.pointAtBuilds(services, notes);
        return new Rendered(doc, route.service(), route.port(), lifetime, lifecycle, notes);
    }

    /** {@code NET_RAW} lets a container forge packets (ARP replies among them) on its networks: dropped unless trusted. */
    private static void dropNetRaw(Map<String, Object> service) {
        List<Object> drop = new ArrayList<>();
        if (service.get("cap_drop") instanceof List<?> l) {
            drop.addAll(l);
        }
        boolean already = drop.stream().map(c -> String.valueOf(c).toUpperCase(java.util.Locale.ROOT).replaceFirst("^CAP_", ""))
                .anyMatch(c -> c.equals("NET_RAW") || c.equals("ALL"));
        if (!already) {
            drop.add("NET_RAW");
        }
        service.put("cap_drop", drop);
    }

    private static Map<String, Object> mapAt(Map<String, Object> doc, String key) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = doc != null && doc.get(key) instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copyMap(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
        return out;
    }

    private static Object copy(Object v) {
        if (v instanceof Map<?, ?> m) {
            return copyMap(m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(copy(x)));
            return out;
        }
        return v;
    }
}
