package dev.reviewenv.deploy;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.docker.Bridges;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 */
public final class ComposeRenderer {
    /** The key of reviewenv's own settings in a compose file. */
    public static final String EXTENSION = "x-reviewenv";
    /**
     * The key of the environment's routing network in rendered files: the network only its routed
     * service and Traefik join. Keys starting with it are reviewenv's (the policy refuses them).
     */
    public static final String ROUTING_NETWORK_KEY = EnvironmentNames.ROUTING_NETWORK_KEY;
    private static final Pattern PORT = Pattern.compile("(?:.*:)?(\\d{1,5})(?:-\\d{1,5})?(?:/(?:tcp|udp|sctp))?");

    private ComposeRenderer() {
    }

    /** The rendered file, the routed service and port, the lifetime the file asks for, and what was changed. */
    public record Rendered(Map<String, Object> document, String service, int port, Optional<Lifetime> lifetime,
            List<String> notes) {
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
        Route route = route(services, mapAt(written, "services"), ext, problems);
        Map<String, Object> networks = mapAt(doc, "networks");
        if (networks != null) {
            networks.keySet().stream().filter(k -> k.startsWith(ROUTING_NETWORK_KEY)).forEach(k -> problems.add("networks." + k
                    + ": network keys starting with '" + ROUTING_NETWORK_KEY + "' are reviewenv's own; rename your network"));
        }
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
            service.put("labels", withLabel(service.get("labels"), name));
            if (!keepNetRaw) {
                dropNetRaw(service);
            }
            if (service.get("build") != null) {
                nameBuiltImage(entry.getKey(), service, name, commit, checkout, notes);
            }
            if (entry.getKey().equals(route.service())) {
                joinRoutingNetwork(service, name, route.service());
            }
        }
        if (networks == null) {
            networks = new LinkedHashMap<>();
            doc.put("networks", networks);
        }
        if (!networks.containsKey("default") && services.values().stream().anyMatch(ComposeRenderer::onDefaultNetwork)) {
            networks.put("default", null);
        }
        for (String kind : List.of("networks", "volumes", "secrets", "configs")) {
            labelOwn(doc, kind, name, !kind.equals("secrets") && !kind.equals("configs"));
        }
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("internal", true);
        routing.put("labels", withLabel(null, name));
        networks.put(ROUTING_NETWORK_KEY, routing);
        nameBridges(networks, name);
        pointAtBuilds(services, notes);
        return new Rendered(doc, route.service(), route.port(), lifetime, notes);
    }

    private record Route(String service, int port) {
    }

    private static Route route(Map<String, Object> services, Map<String, Object> writtenServices, Map<String, Object> ext,
            List<String> problems) {
        if (ext != null && ext.get("service") != null) {
            String service = String.valueOf(ext.get("service"));
            Object s = services.get(service);
            if (!(s instanceof Map<?, ?> serviceMap)) {
                problems.add(EXTENSION + ".service: '" + service + "' is not a service Compose runs from this file; name one of "
                        + services.keySet());
                return new Route(service, 0);
            }
            Integer port = ext.get("port") != null ? port(ext.get("port")) : firstPort(serviceMap);
            if (port == null) {
                problems.add(EXTENSION + ".port: missing or not a port number; write e.g. x-reviewenv: {service: "
                        + service + ", port: 8080}");
                return new Route(service, 0);
            }
            return new Route(service, port);
        }
        List<String> order = new ArrayList<>(writtenServices == null ? List.of() : writtenServices.keySet());
        services.keySet().stream().filter(s -> !order.contains(s)).forEach(order::add);
        for (String name : order) {
            if (services.get(name) instanceof Map<?, ?> service) {
                Integer port = firstPort(service);
                if (port != null) {
                    return new Route(name, port);
                }
            }
        }
        problems.add("no service to route: give the web service an 'expose:' entry, or add"
                + " 'x-reviewenv: {service: web, port: 8080}' at the top level");
        return new Route("", 0);
    }

    private static Integer firstPort(Map<?, ?> service) {
        for (String key : List.of("expose", "ports")) {
            if (service.get(key) instanceof List<?> list && !list.isEmpty()) {
                Object first = list.get(0);
                if (first instanceof Map<?, ?> longForm) {
                    return port(longForm.get("target"));
                }
                return port(first);
            }
        }
        return null;
    }

    private static Integer port(Object value) {
        if (value instanceof Number n) {
            int p = n.intValue();
            return p >= 1 && p <= 65535 ? p : null;
        }
        if (value == null) {
            return null;
        }
        Matcher m = PORT.matcher(String.valueOf(value).trim());
        if (!m.matches()) {
            return null;
        }
        int p = Integer.parseInt(m.group(1));
        return p >= 1 && p <= 65535 ? p : null;
    }

    /** Labels as a mapping, with the environment's label added. */
    private static Map<String, Object> withLabel(Object labels, EnvironmentName name) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (labels instanceof Map<?, ?> m) {
            m.forEach((k, v) -> map.put(String.valueOf(k), v));
        } else if (labels instanceof List<?> list) {
            for (Object item : list) {
                String s = String.valueOf(item);
                int eq = s.indexOf('=');
                map.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        map.put(Labels.ENVIRONMENT, name.value());
        return map;
    }

    /**
     * A built image is named {@code <name>/<service>:<commit>} and carries the environment's label: it
     * is the environment's, and no branch can name its build after an image others use. Another
     * service that runs the image the build was named ({@code image: app} beside {@code build:})
     * runs the build too.
     */
    private static void nameBuiltImage(String service, Map<String, Object> def, EnvironmentName name, String commit,
            Path checkout, List<String> notes) {
        Map<String, Object> build = new LinkedHashMap<>();
        if (def.get("build") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> build.put(String.valueOf(k), v));
        } else {
            build.put("context", String.valueOf(def.get("build")));
        }
        String context = build.get("context") == null ? "." : String.valueOf(build.get("context"));
        build.put("context", context.contains("://") ? context : checkout.resolve(context).normalize().toString());
        build.put("labels", withLabel(build.get("labels"), name));
        def.put("build", build);
        String image = EnvironmentNames.builtImage(name, service, commit);
        if (def.get("image") != null) {
            notes.add("services." + service + ".image: the build is named " + image + ", not '" + def.get("image")
                    + "' (a branch never replaces an image others may use)");
            build.put(WRITTEN_IMAGE, def.get("image"));
        }
        def.put("image", image);
    }

    /** Where a build remembers the {@code image:} the file gave it, until {@link #pointAtBuilds} has used it. */
    static final String WRITTEN_IMAGE = "x-reviewenv-image";

    /**
     * Services without {@code build:} whose {@code image:} is the name another service's build was
     * given in the file run that build: the image of that name is now the environment's own.
     */
    private static void pointAtBuilds(Map<String, Object> services, List<String> notes) {
        Map<String, String> built = new LinkedHashMap<>();
        services.values().forEach(v -> {
            if (v instanceof Map<?, ?> s && s.get("build") instanceof Map<?, ?> b && b.get(WRITTEN_IMAGE) != null) {
                built.putIfAbsent(String.valueOf(b.get(WRITTEN_IMAGE)), String.valueOf(s.get("image")));
                ((Map<?, ?>) b).remove(WRITTEN_IMAGE);
            }
        });
        services.forEach((n, v) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) v;
            if (s.get("build") == null && s.get("image") != null && built.containsKey(String.valueOf(s.get("image")))) {
                String image = built.get(String.valueOf(s.get("image")));
                notes.add("services." + n + ".image: runs " + image + ", the build of '" + s.get("image") + "' in this file");
                s.put("image", image);
            }
        });
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

    /** Whether a service is on the file's default network (it names no networks and has no network_mode). */
    private static boolean onDefaultNetwork(Object service) {
        return service instanceof Map<?, ?> s && s.get("network_mode") == null
                && (s.get("networks") == null || s.get("networks") instanceof Map<?, ?> m && m.containsKey("default")
                        || s.get("networks") instanceof List<?> l && l.contains("default"));
    }

    /**
     * Every bridge network of the environment gets a Linux bridge named {@code rvenv<hash>}: the host's
     * firewall drops what review containers send to the host itself by that prefix (see README,
     * "Security model"), whatever network Compose makes.
     */
    private static void nameBridges(Map<String, Object> networks, EnvironmentName name) {
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

    /** Labels every network or volume (or secret, config) the file defines; drops the names Compose gives by itself. */
    private static void labelOwn(Map<String, Object> doc, String kind, EnvironmentName name, boolean label) {
        Map<String, Object> items = mapAt(doc, kind);
        if (items == null) {
            return;
        }
        for (Map.Entry<String, Object> e : items.entrySet()) {
            Map<String, Object> def = new LinkedHashMap<>();
            if (e.getValue() instanceof Map<?, ?> m) {
                m.forEach((k, v) -> def.put(String.valueOf(k), v));
            }
            if ((name.value() + "_" + e.getKey()).equals(def.get("name"))) {
                def.remove("name");
            }
            if (label) {
                def.put("labels", withLabel(def.get("labels"), name));
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

    /** The routed service joins its environment's routing network, known there as {@code <service>.<name>}. */
    private static void joinRoutingNetwork(Map<String, Object> service, EnvironmentName name, String routed) {
        Map<String, Object> map = networksOf(service);
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("aliases", List.of(EnvironmentNames.upstreamHost(name, routed)));
        map.put(ROUTING_NETWORK_KEY, routing);
        service.put("networks", map);
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
