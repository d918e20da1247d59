package dev.reviewenv.deploy;

import dev.reviewenv.config.PolicyRule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How a row of {@link ComposePolicy}'s tables is written: a key and the {@link Judge} of what it
 * may hold (any value, a refusal when a condition holds, a refusal whatever it holds, or a check of
 * its own). Only the notation: the rows, their rules and their messages are the policy's.
 */
final class PolicyTable {
    private PolicyTable() {
    }

    /** How one key is judged: its value at its path; {@code owner} names the item it belongs to. */
    @FunctionalInterface
    interface Judge {
        void judge(PolicyWalk p, String path, Object value, String owner);
    }

    /** Any value. */
    static final Judge ANY = (p, at, v, owner) -> { };

    /** Refused when {@code when} holds for the value, by {@code rule}, saying {@code message}. */
    static Judge refuse(Predicate<Object> when, PolicyRule rule, String message) {
        return (p, at, v, owner) -> {
            if (when.test(v)) {
                p.add(rule, at, message);
            }
        };
    }

    /** Refused whatever it holds. */
    static Judge never(PolicyRule rule, String message) {
        return refuse(v -> true, rule, message);
    }

    /** A section's table: the keys that may hold {@link #ANY} value, then the rows (a row wins over the same key). */
    @SafeVarargs
    static Map<String, Judge> table(Set<String> anyValue, Map.Entry<String, Judge>... rows) {
        Map<String, Judge> t = new LinkedHashMap<>();
        anyValue.forEach(k -> t.put(k, ANY));
        for (Map.Entry<String, Judge> r : rows) {
            t.put(r.getKey(), r.getValue());
        }
        return Collections.unmodifiableMap(t);
    }

    static Map.Entry<String, Judge> row(String key, Judge judge) {
        return Map.entry(key, judge);
    }
}
