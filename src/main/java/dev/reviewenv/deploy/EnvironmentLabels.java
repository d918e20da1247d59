package dev.reviewenv.deploy;

import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.naming.EnvironmentName;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment's label on the objects a rendered file defines ({@link Labels#withEnvironment}),
 * without the names Compose would give them anyway.
 */
final class EnvironmentLabels {
    private EnvironmentLabels() {
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
                def.put("labels", Labels.withEnvironment(def.get("labels"), name));
            }
            e.setValue(def);
        }
    }
}
