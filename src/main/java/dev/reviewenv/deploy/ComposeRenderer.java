package dev.reviewenv.deploy;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.compose.ComposeFileException;
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
 * Renders a branch's compose file for its environment: every service gets the environment label,
 * build contexts become absolute paths into the checkout (so the recorded file still builds), the
 * routed service joins the shared network with the alias {@code <name>-<service>}, and the
 * top-level {@code name:} is dropped (the project is always the environment name).
 * Which service and port are routed: {@code x-reviewenv: {service, port}}, else the first service
 * that declares {@code expose} or {@code ports}.
 */
public final class ComposeRenderer {
    /** The key of reviewenv's own settings in a compose file. */
    public static final String EXTENSION = "x-reviewenv";
    /** The key of the shared network in rendered files. */
    public static final String SHARED_NETWORK_KEY = "reviewenv";
    private static final Pattern PORT = Pattern.compile("(?:.*:)?(\\d{1,5})(?:-\\d{1,5})?(?:/(?:tcp|udp|sctp))?");

    private ComposeRenderer() {
    }

    /** The rendered file, the routed service and port, and the lifetime the file asks for, if any. */
    public record Rendered(Map<String, Object> document, String service, int port, Optional<Lifetime> lifetime) {
    }

    /**
     * @param file      the file's name, for errors
     * @param original  the parsed compose file (not changed)
     * @param name      the environment name
     * @param network   the shared network Traefik is on
     * @param checkout  where the branch is checked out; relative build contexts resolve against it
     */
    public static Rendered render(String file, Map<String, Object> original, EnvironmentName name, String network, Path checkout) {
        Map<String, Object> doc = copyMap(original);
        List<String> problems = new ArrayList<>();
        doc.remove("name");

        Map<String, Object> services = mapAt(doc, "services");
        if (services == null || services.isEmpty()) {
            throw new ComposeFileException(file, List.of("services: no services; a review environment needs at least one"));
        }
        Map<String, Object> ext = mapAt(doc, EXTENSION);
        Optional<Lifetime> lifetime = Optional.empty();
        if (ext != null && ext.get("lifetime") != null) {
            try {
                lifetime = Optional.of(Lifetime.parse(String.valueOf(ext.get("lifetime"))));
            } catch (IllegalArgumentException e) {
                problems.add(EXTENSION + ".lifetime: " + e.getMessage());
            }
        }
        Route route = route(services, ext, problems);

        Map<String, Object> networks = mapAt(doc, "networks");
        if (networks != null && networks.containsKey(SHARED_NETWORK_KEY)) {
            problems.add("networks." + SHARED_NETWORK_KEY + ": this network key is reviewenv's own; rename your network");
        }
        if (!problems.isEmpty()) {
            throw new ComposeFileException(file, problems);
        }

        for (Map.Entry<String, Object> entry : services.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> service = (Map<String, Object>) entry.getValue();
            addLabel(service, name.value());
            absolutizeBuild(service, checkout);
            if (entry.getKey().equals(route.service())) {
                joinSharedNetwork(service, name + "-" + route.service(), EnvironmentNames.upstreamHost(name, route.service()));
            }
        }
        if (networks == null) {
            networks = new LinkedHashMap<>();
            doc.put("networks", networks);
        }
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("external", true);
        shared.put("name", network);
        networks.put(SHARED_NETWORK_KEY, shared);
        return new Rendered(doc, route.service(), route.port(), lifetime);
    }

    private record Route(String service, int port) {
    }

    private static Route route(Map<String, Object> services, Map<String, Object> ext, List<String> problems) {
        if (ext != null && ext.get("service") != null) {
            String service = String.valueOf(ext.get("service"));
            Object s = services.get(service);
            if (!(s instanceof Map<?, ?> serviceMap)) {
                problems.add(EXTENSION + ".service: '" + service + "' is not a service of this file; name one of "
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
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            if (entry.getValue() instanceof Map<?, ?> service) {
                Integer port = firstPort(service);
                if (port != null) {
                    return new Route(entry.getKey(), port);
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

    private static void addLabel(Map<String, Object> service, String name) {
        Object labels = service.get("labels");
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
        map.put(Labels.ENVIRONMENT, name);
        service.put("labels", map);
    }

    private static void absolutizeBuild(Map<String, Object> service, Path checkout) {
        Object build = service.get("build");
        if (build instanceof String context) {
            service.put("build", Map.of("context", resolve(checkout, context)));
        } else if (build instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> b = (Map<String, Object>) m;
            Object context = b.get("context");
            b.put("context", resolve(checkout, context == null ? "." : String.valueOf(context)));
        }
    }

    private static String resolve(Path checkout, String context) {
        if (context.contains("://") || context.startsWith("git@")) {
            return context;
        }
        return checkout.resolve(context).normalize().toString();
    }

    private static void joinSharedNetwork(Map<String, Object> service, String alias, String upstream) {
        Object networks = service.get("networks");
        Map<String, Object> map = new LinkedHashMap<>();
        if (networks instanceof List<?> list) {
            list.forEach(n -> map.put(String.valueOf(n), null));
        } else if (networks instanceof Map<?, ?> m) {
            m.forEach((k, v) -> map.put(String.valueOf(k), v));
        } else {
            map.put("default", null);
        }
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("aliases", alias.equals(upstream) ? List.of(alias) : List.of(alias, upstream));
        map.put(SHARED_NETWORK_KEY, shared);
        service.put("networks", map);
    }

    private static Map<String, Object> mapAt(Map<String, Object> doc, String key) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = doc.get(key) instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
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
