package dev.reviewenv.deploy;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.deploy.ComposePolicy.Violation;
import dev.reviewenv.deploy.PolicyTable.Judge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One judgement of one resolved model by {@link ComposePolicy}: what the checks need to know of it
 * (the environment's project, its checkout, the services and volumes the file defines), the
 * violations found so far, and the walk that hands every key of an item to its table's row and
 * every value of a mapping or list to a check, each with its path.
 */
final class PolicyWalk {
    /** A check of one named item (a service, a network, ...) at its path. */
    interface Item {
        void check(String path, String name, Map<String, Object> value);
    }

    /** A check of one value at its path. */
    interface Entry {
        void check(String path, Object value);
    }

    private final String project;
    private final Path checkout;
    private final Set<String> services;
    private final Set<String> volumes;
    private final List<Violation> found = new ArrayList<>();

    PolicyWalk(String project, Path checkout, Map<String, Object> doc) {
        this.project = project;
        this.checkout = checkout;
        this.services = ModelValues.keys(doc.get("services"));
        this.volumes = ModelValues.keys(doc.get("volumes"));
    }

    /** The environment's project name. */
    String project() {
        return project;
    }

    /** Where the branch is checked out (a real path). */
    Path checkout() {
        return checkout;
    }

    /** Whether the file defines the service {@code name}. */
    boolean isService(String name) {
        return services.contains(name);
    }

    /** Whether the file defines the volume {@code name}. */
    boolean isVolume(String name) {
        return volumes.contains(name);
    }

    /** Every violation found, in the order of the model. */
    List<Violation> found() {
        return List.copyOf(found);
    }

    void add(PolicyRule rule, String path, String message) {
        found.add(new Violation(rule, path, message));
    }

    /** Judges every key of one item (a service, a network, ...) by its section's table; a key in none is refused. */
    void judge(Map<String, Judge> table, String at, String owner, Map<?, ?> item) {
        for (Map.Entry<?, ?> e : List.copyOf(item.entrySet())) {
            String key = String.valueOf(e.getKey());
            if (e.getValue() == null) {
                continue;
            }
            Judge j = table.get(key);
            if (j == null) {
                extensionOrUnknown(at + "." + key, key);
            } else {
                j.judge(this, at + "." + key, e.getValue(), owner);
            }
        }
    }

    void extensionOrUnknown(String path, String key) {
        if (key.startsWith("x-")) {
            return;
        }
        add(null, path, "not allowed in a review environment (reviewenv does not know what it would do); remove it");
    }

    /** The named items of a mapping ({@code at.name}); an item that is not a mapping is refused. */
    @SuppressWarnings("unchecked")
    void each(String at, Object v, Item item) {
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String name = String.valueOf(e.getKey());
                Object value = e.getValue();
                if (value == null) {
                    continue;
                }
                if (value instanceof Map<?, ?>) {
                    item.check(at + "." + name, name, (Map<String, Object>) value);
                } else if (!name.startsWith("x-")) {
                    add(null, at + "." + name, "must be a mapping");
                }
            }
        }
    }

    /** The values of a mapping ({@code at.key}) or a list ({@code at[i]}). */
    void entries(String at, Object v, Entry entry) {
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, value) -> entry.check(at + "." + k, value));
        } else {
            list(at, v, entry);
        }
    }

    /** The items of a list ({@code at[i]}), or a single value at {@code at}. */
    void list(String at, Object v, Entry entry) {
        if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                entry.check(at + "[" + i + "]", l.get(i));
            }
        } else if (v != null) {
            entry.check(at, v);
        }
    }
}
