package dev.reviewenv.deploy;

import static dev.reviewenv.deploy.ModelValues.lower;
import static dev.reviewenv.deploy.ModelValues.truthy;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.deploy.PolicyTable.Judge;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link ComposePolicy}'s checks that keep a container inside its own namespaces and confinement:
 * the namespaces it joins, its security options, its sysctls, its lifecycle hooks and where its
 * logs go.
 */
final class ConfinementChecks {
    /**
     * The sysctls Docker sets inside a container's own namespaces (its network, its IPC): every other
     * one is the host's, and Docker would refuse it at {@code up}.
     */
    private static final Pattern NAMESPACED_SYSCTL = Pattern.compile(
            "net\\..+|kernel\\.(msgmax|msgmnb|msgmni|sem|shmall|shmmax|shmmni|shm_rmid_forced)|fs\\.mqueue\\..+");
    private static final Set<String> LOG_DRIVERS = Set.of("json-file", "local", "none");

    private ConfinementChecks() {
    }

    /**
     * {@code pid}, {@code ipc}, {@code network_mode}: the environment's own namespaces only, that is
     * one of {@code words} or {@code service:<name>} of a service in this file.
     */
    static Judge namespace(Set<String> words) {
        return (p, path, v, owner) -> {
            String mode = lower(v);
            if (mode == null || mode.isEmpty() || words.contains(mode)
                    || mode.startsWith("service:") && p.isService(mode.substring("service:".length()))) {
                return;
            }
            String why = mode.equals("host") ? "'host' shares the host's namespace with the branch"
                    : mode.startsWith("container:") ? "'" + v + "' joins a container outside this environment"
                    : mode.equals("bridge") || mode.equals("default") ? "'" + v + "' joins Docker's default bridge, shared with"
                            + " containers outside this environment"
                    : "'" + v + "' is not a namespace of this environment";
            p.add(PolicyRule.HOST_NAMESPACES, path, why + "; remove it, or use service:<name> of a service in this file");
        };
    }

    /** {@code security_opt}: only {@code no-new-privileges:true}. */
    static void securityOpt(PolicyWalk p, String path, Object v, String owner) {
        p.list(path, v, (at, o) -> {
            String opt = lower(o).replace('=', ':');
            if (!(opt.equals("no-new-privileges") || opt.equals("no-new-privileges:true"))) {
                p.add(PolicyRule.SECURITY_OPT, at, "'" + o + "' changes the confinement of the container; remove it"
                        + " (only no-new-privileges:true is allowed)");
            }
        });
    }

    /** {@code sysctls}: only those of the container's own namespaces. */
    static void sysctls(PolicyWalk p, String path, Object v, String owner) {
        p.entries(path, v, (at, value) -> {
            String sysctl = v instanceof List<?> ? String.valueOf(value).split("=", 2)[0] : at.substring(path.length() + 1);
            if (!NAMESPACED_SYSCTL.matcher(sysctl.trim()).matches()) {
                p.add(PolicyRule.HOST_NAMESPACES, at, "'" + sysctl + "' is a setting of the host's kernel, not of the"
                        + " container's own namespaces; remove it (net.*, kernel.shm*, kernel.msg*, kernel.sem and"
                        + " fs.mqueue.* are allowed)");
            }
        });
    }

    /** {@code post_start}, {@code pre_stop}: no privileged hook. */
    static void hooks(PolicyWalk p, String path, Object v, String owner) {
        p.list(path, v, (at, hook) -> {
            if (hook instanceof Map<?, ?> h && truthy(h.get("privileged"))) {
                p.add(PolicyRule.PRIVILEGED, at + ".privileged", "a privileged hook runs as root on the host's terms;"
                        + " remove privileged");
            }
        });
    }

    /** {@code logging}: a driver that keeps the logs in the environment. */
    static void logging(PolicyWalk p, String path, Object v, String owner) {
        if (v instanceof Map<?, ?> m && m.get("driver") != null && !LOG_DRIVERS.contains(lower(m.get("driver")))) {
            p.add(PolicyRule.LOGGING, path + ".driver", "'" + m.get("driver") + "' sends the logs out of the environment;"
                    + " use json-file or local");
        }
    }
}
