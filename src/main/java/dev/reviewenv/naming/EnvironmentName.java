package dev.reviewenv.naming;

import java.util.Optional;

/**
 * The name of an environment, valid by construction: one DNS label, {@code [a-z0-9]} with inner
 * {@code -}, at most 63 characters. It is the compose project, the Traefik router and service,
 * the record directory and the first label of the URL, so anything that reaches a path, a
 * project or a route file takes this type and never re-checks a string.
 */
public record EnvironmentName(String value) implements Comparable<EnvironmentName> {

    public EnvironmentName {
        if (!EnvironmentNames.isValid(value)) {
            throw new IllegalArgumentException("'" + value + "' is not an environment name;"
                    + " names are DNS labels like feature-login-page (a-z, 0-9, inner '-', at most 63 characters)");
        }
    }

    public static EnvironmentName of(String value) {
        return new EnvironmentName(value);
    }

    /** The name, or empty when {@code value} is not one (a path parameter, a label someone else set). */
    public static Optional<EnvironmentName> parse(String value) {
        return EnvironmentNames.isValid(value) ? Optional.of(new EnvironmentName(value)) : Optional.empty();
    }

    @Override
    public int compareTo(EnvironmentName o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
