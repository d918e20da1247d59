package dev.reviewenv.deploy;

import static dev.reviewenv.deploy.ModelValues.keys;
import static dev.reviewenv.deploy.ModelValues.listLabels;
import static dev.reviewenv.deploy.ModelValues.truthy;

import dev.reviewenv.config.PolicyRule;
import java.util.Map;
import java.util.Set;

/**
 * {@link ComposePolicy}'s checks that keep an environment's objects its own: no fixed name or
 * external object that others share, no label only reviewenv and Compose set, no network key of
 * reviewenv's own, and only the attachment keys Compose knows.
 */
final class IsolationChecks {
    private static final Set<String> SPOOFED = Set.of("dev.reviewenv.", "com.docker.compose.");
    private static final Set<String> ATTACHMENT = Set.of("aliases", "ipv4_address", "ipv6_address", "link_local_ips",
            "mac_address", "priority", "gw_priority", "interface_name");

    private IsolationChecks() {
    }

    /** A service's {@code networks}: not reviewenv's routing network, and attached with keys Compose knows. */
    static void serviceNetworks(PolicyWalk p, String path, Object v, String owner) {
        for (String net : keys(v)) {
            if (net.startsWith(ComposeRenderer.ROUTING_NETWORK_KEY)) {
                p.add(null, path + "." + net, "network keys starting with '" + ComposeRenderer.ROUTING_NETWORK_KEY + "' are"
                        + " reviewenv's own (only the routed service joins the routing network, under the name reviewenv"
                        + " chooses); rename your network");
            }
            if (v instanceof Map<?, ?> m && m.get(net) instanceof Map<?, ?> attach) {
                for (Object k : attach.keySet()) {
                    if (!ATTACHMENT.contains(String.valueOf(k))) {
                        p.extensionOrUnknown(path + "." + net + "." + k, String.valueOf(k));
                    }
                }
            }
        }
    }

    /** {@code labels} (a mapping or a list): none under the prefixes reviewenv and Compose set. */
    static void labels(PolicyWalk p, String path, Object v, String owner) {
        for (String key : v instanceof Map<?, ?> ? keys(v) : listLabels(v)) {
            if (SPOOFED.stream().anyMatch(key::startsWith)) {
                p.add(null, path + "." + key, "labels under dev.reviewenv. and com.docker.compose. are set by reviewenv and"
                        + " Compose, never by a branch; remove it");
            }
        }
    }

    /** The name Compose gives an object by itself ({@code <project>_<key>}) is fine; any other reaches someone else's. */
    static void fixedName(PolicyWalk p, String path, String key, Object value, String kind) {
        if (!(p.project() + "_" + key).equals(String.valueOf(value))) {
            p.add(PolicyRule.EXTERNAL, path, "a fixed name can reach the " + kind + " of another environment; remove name");
        }
    }

    static void external(PolicyWalk p, String path, Object value, String kind) {
        if (truthy(value) || value instanceof Map) {
            p.add(PolicyRule.EXTERNAL, path, "external " + kind + " are shared with what is outside this environment;"
                    + " remove external (reviewenv adds its own network for routing)");
        }
    }
}
