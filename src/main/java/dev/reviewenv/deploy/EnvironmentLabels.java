package dev.reviewenv.deploy;

import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.naming.EnvironmentName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment's label on what a rendered file makes: labels in either form Compose writes
 * become a mapping with {@link Labels#ENVIRONMENT} added, and the objects a file defines carry it
 * without the names Compose would give them anyway.
 */
final class EnvironmentLabels {
    private EnvironmentLabels() {
    }

    /** Labels ({@code {k: v}} or {@code [k=v, ...]}) as a mapping, with the environment's label added. */
    static Map<String, Object> withLabel(Object labels, EnvironmentName name) {
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
     * Labels every network or volume (or, with {@code label} false, only tidies every secret and
     * config) of {@code items}, one section of the file (null: none); drops the names Compose gives by itself.
     */
    static void labelOwn(Map<String, Object> items, EnvironmentName name, boolean label) {
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
}
