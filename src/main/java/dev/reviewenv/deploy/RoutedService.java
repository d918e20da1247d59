package dev.reviewenv.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service and port an environment's route reaches, chosen once by {@link #choose}:
 * {@code x-reviewenv: {service, port}} of the branch's file, else the first service in the file's
 * order that declares {@code expose} or {@code ports} (its first port).
 */
record RoutedService(String service, int port) {
    private static final Pattern PORT = Pattern.compile("(?:.*:)?(\\d{1,5})(?:-\\d{1,5})?(?:/(?:tcp|udp|sctp))?");

    /**
     * @param services        the resolved services
     * @param writtenServices the services of the branch's file as written, for their order (null: none)
     * @param ext             the file's {@code x-reviewenv} (null: none)
     * @param problems        where a choice that cannot be made is said; the route returned is then a placeholder
     */
    static RoutedService choose(Map<String, Object> services, Map<String, Object> writtenServices, Map<String, Object> ext,
            List<String> problems) {
        if (ext != null && ext.get("service") != null) {
            String service = String.valueOf(ext.get("service"));
            Object s = services.get(service);
            if (!(s instanceof Map<?, ?> serviceMap)) {
                problems.add(ComposeRenderer.EXTENSION + ".service: '" + service + "' is not a service Compose runs from this file;"
                        + " name one of " + services.keySet());
                return new RoutedService(service, 0);
            }
            Integer port = ext.get("port") != null ? port(ext.get("port")) : firstPort(serviceMap);
            if (port == null) {
                problems.add(ComposeRenderer.EXTENSION + ".port: missing or not a port number; write e.g. x-reviewenv: {service: "
                        + service + ", port: 8080}");
                return new RoutedService(service, 0);
            }
            return new RoutedService(service, port);
        }
        List<String> order = new ArrayList<>(writtenServices == null ? List.of() : writtenServices.keySet());
        services.keySet().stream().filter(s -> !order.contains(s)).forEach(order::add);
        for (String name : order) {
            if (services.get(name) instanceof Map<?, ?> service) {
                Integer port = firstPort(service);
                if (port != null) {
                    return new RoutedService(name, port);
                }
            }
        }
        problems.add("no service to route: give the web service an 'expose:' entry, or add"
                + " 'x-reviewenv: {service: web, port: 8080}' at the top level");
        return new RoutedService("", 0);
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
}
