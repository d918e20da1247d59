package dev.reviewenv.engine.stack;

import dev.reviewenv.naming.EnvironmentName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects a rendered compose file makes its engine create, by their final names: the replicas
 * of each service, and the networks and volumes the file defines (Compose's {@code <project>_<key>},
 * or the {@code name:} a trusted file gives). External ones are not the file's to create.
 */
public final class StackObjects {
    private StackObjects() {
    }

    /** How many containers (or tasks) each service runs: {@code scale}, else {@code deploy.replicas}, else 1. */
    public static Map<String, Integer> replicas(Map<String, Object> doc) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((k, v) -> {
                int n = 1;
                if (v instanceof Map<?, ?> s) {
                    Object scale = s.get("scale");
                    Object replicas = s.get("deploy") instanceof Map<?, ?> d ? d.get("replicas") : null;
                    Object count = scale != null ? scale : replicas;
                    if (count != null) {
                        try {
                            n = Integer.parseInt(String.valueOf(count).trim());
                        } catch (NumberFormatException e) {
                            n = 1; // the specification check refuses it
                        }
                    }
                }
                out.put(String.valueOf(k), n);
            });
        }
        return out;
    }

    /** The Docker names of the networks ({@code kind = "networks"}) or volumes the file defines and does not take from outside. */
    public static List<String> defined(Map<String, Object> doc, String kind, EnvironmentName name) {
        List<String> out = new ArrayList<>();
        if (doc.get(kind) instanceof Map<?, ?> items) {
            items.keySet().forEach(k -> named(doc, kind, String.valueOf(k), name).ifPresent(out::add));
        }
        return out;
    }

    /**
     * The Docker name of the network or volume {@code key} the file defines, if it defines it and
     * does not take it from outside ({@code external}).
     */
    public static java.util.Optional<String> named(Map<String, Object> doc, String kind, String key, EnvironmentName name) {
        if (!(doc.get(kind) instanceof Map<?, ?> items) || !items.containsKey(key)) {
            return java.util.Optional.empty();
        }
        Map<?, ?> def = items.get(key) instanceof Map<?, ?> m ? m : Map.of();
        if (external(def)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(def.get("name") != null ? String.valueOf(def.get("name")) : name.value() + "_" + key);
    }

    /** Whether a network's or volume's definition takes it from outside ({@code external: true}, or {@code external: {name}}). */
    public static boolean external(Map<?, ?> definition) {
        Object external = definition.get("external");
        return Boolean.TRUE.equals(external) || "true".equals(String.valueOf(external)) || external instanceof Map;
    }
}
