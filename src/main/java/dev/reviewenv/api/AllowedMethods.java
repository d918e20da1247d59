package dev.reviewenv.api;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The methods each path of the service answers, read from the resources' own annotations, for
 * the {@code Allow} header of a 405 (RFC 9110); the framework's own 405 has none.
 */
final class AllowedMethods {
    private static final List<Class<?>> RESOURCES = List.of(PushResource.class, JobResource.class, EnvironmentResource.class,
            ServiceLogsResource.class, EndingsResource.class, WebhookResource.class, DashboardResource.class, ExtendLinkResource.class,
            WakeResource.class);
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)(?::([^}]+))?}");
    private static final List<Route> ROUTES = routes();

    private AllowedMethods() {
    }

    private record Route(Pattern path, Set<String> methods) {
    }

    /** The methods {@code path} answers, comma separated; empty when no resource has it. */
    static String of(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route r : ROUTES) {
            if (r.path().matcher(path).matches()) {
                methods.addAll(r.methods());
            }
        }
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        if (!methods.isEmpty()) {
            methods.add("OPTIONS");
        }
        return String.join(", ", methods);
    }

    private static List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getDeclaredMethods()) {
                for (var a : m.getAnnotations()) {
                    HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
                    if (verb != null) {
                        Path sub = m.getAnnotation(Path.class);
                        routes.add(new Route(regex(join(base, sub == null ? "" : sub.value())), Set.of(verb.value())));
                    }
                }
            }
        }
        return routes;
    }

    private static String join(String a, String b) {
        String path = ("/" + a + "/" + b).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Pattern regex(String template) {
        StringBuilder sb = new StringBuilder();
        Matcher m = PARAM.matcher(template);
        int last = 0;
        while (m.find()) {
            sb.append(Pattern.quote(template.substring(last, m.start())));
            sb.append(m.group(2) == null ? "[^/]+" : "(?:" + m.group(2) + ")");
            last = m.end();
        }
        sb.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(sb.toString());
    }
}
