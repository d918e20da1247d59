package dev.reviewenv.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How {@link ComposePolicy} reads a value of a resolved compose model, in whichever form Compose
 * wrote it: the names of a mapping or a list, the keys of labels, and whether a value is empty,
 * true or which word it is.
 */
final class ModelValues {
    private ModelValues() {
    }

    /** The keys of a mapping, or the items of a list, as text, in their order. */
    static Set<String> keys(Object v) {
        Set<String> keys = new LinkedHashSet<>();
        if (v instanceof Map<?, ?> m) {
            m.keySet().forEach(k -> keys.add(String.valueOf(k)));
        } else if (v instanceof List<?> l) {
            l.forEach(k -> keys.add(String.valueOf(k)));
        }
        return keys;
    }

    /** The keys of labels written as a list ({@code [key=value, ...]}). */
    static List<String> listLabels(Object v) {
        List<String> keys = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(item -> keys.add(String.valueOf(item).split("=", 2)[0]));
        }
        return keys;
    }

    static boolean empty(Object o) {
        return o == null || o instanceof List<?> l && l.isEmpty() || o instanceof Map<?, ?> m && m.isEmpty()
                || o instanceof String s && s.isBlank();
    }

    static boolean truthy(Object o) {
        return Boolean.TRUE.equals(o) || "true".equalsIgnoreCase(String.valueOf(o).trim());
    }

    /** The value as a trimmed lower-case word; null for null. */
    static String lower(Object o) {
        return o == null ? null : String.valueOf(o).trim().toLowerCase(Locale.ROOT);
    }
}
