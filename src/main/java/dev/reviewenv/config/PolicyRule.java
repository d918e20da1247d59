package dev.reviewenv.config;

import java.util.Arrays;
import java.util.List;

/**
 * The rules of the compose policy, by the names a trusted repository's configuration uses to
 * relax them ({@code reviewenv.repositories."team/infra".allow=ports,bind-mounts}).
 */
public enum PolicyRule {
    PRIVILEGED("privileged"),
    CAPABILITIES("cap_add"),
    DEVICES("devices"),
    HOST_NAMESPACES("host-namespaces"),
    SECURITY_OPT("security_opt"),
    DOCKER_SOCKET("docker-socket"),
    BIND_MOUNTS("bind-mounts"),
    PORTS("ports"),
    CONTAINER_NAME("container_name"),
    EXTERNAL("external"),
    HOST_FILES("host-files"),
    BUILD_PRIVILEGES("build-privileges"),
    LOGGING("logging"),
    /** The checkout's own {@code .env} is read when Compose resolves the file. */
    DOT_ENV("dotenv"),
    /** Containers keep {@code NET_RAW} (raw sockets: ping, but also forged ARP replies on their networks). */
    NET_RAW("net-raw");

    public final String key;

    PolicyRule(String key) {
        this.key = key;
    }

    /** The rule a configuration value names; the message lists the rules when there is none. */
    public static PolicyRule of(String key) {
        for (PolicyRule r : values()) {
            if (r.key.equals(key)) {
                return r;
            }
        }
        throw new IllegalArgumentException("'" + key + "' is not a policy rule; rules: " + keys());
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(r -> r.key).toList();
    }
}
