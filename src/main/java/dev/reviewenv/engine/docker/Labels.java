package dev.reviewenv.engine.docker;

import dev.reviewenv.naming.EnvironmentName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Docker labels reviewenv reads and writes, in one place. */
public final class Labels {
    /** Set by Compose on every container, network and volume of a project: the environment name. */
    public static final String COMPOSE_PROJECT = "com.docker.compose.project";
    /** Set by Compose on every container: the service it runs. */
    public static final String COMPOSE_SERVICE = "com.docker.compose.service";
    /** Set by reviewenv on every container of an environment: how the reconcile knows what is its own. */
    public static final String ENVIRONMENT = "dev.reviewenv.environment";

    private Labels() {
    }

    /**
     * Labels in either form Compose writes ({@code {k: v}} or {@code [k=v, ...]}) as a mapping, with
     * the environment's label added (over any the file gave).
     */
    public static Map<String, Object> withEnvironment(Object labels, EnvironmentName name) {
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
        map.put(ENVIRONMENT, name.value());
        return map;
    }
}
