package dev.reviewenv.naming;

import java.net.URI;

/**
 * Where an environment answers: {@code <name>.<domain>} over http or https. Made once, when the
 * environment's name is allocated, and carried from there (job, record, route, notifications).
 */
public record Address(String host, boolean tls) {

    public Address {
        if (host == null || !host.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
            throw new IllegalArgumentException("'" + host + "' is not a host name");
        }
    }

    /** The address of an environment under a domain. */
    public static Address of(EnvironmentName name, String domain, boolean tls) {
        return new Address(name.value() + "." + domain, tls);
    }

    /** Reads back a URL this class made ({@link #url()}), as jobs and records carry it. */
    public static Address parse(String url) {
        URI uri = URI.create(url);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an environment URL");
        }
        return new Address(uri.getHost(), "https".equals(uri.getScheme()));
    }

    public String url() {
        return (tls ? "https" : "http") + "://" + host;
    }

    @Override
    public String toString() {
        return url();
    }
}
