package dev.reviewenv.deploy;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.engine.compose.ComposeFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a branch's compose file may ask of the host. Anyone who can push makes this service start
 * containers, so everything that would reach outside the environment is refused before anything
 * is created, every violation at once, each naming the path in the file and the fix. Harmless
 * things are rewritten instead ({@code restart:} becomes {@code "no"}: review environments never
 * restart by themselves). A trusted repository may be allowed named rules, one by one.
 */
public final class ComposePolicy {

    /** One refusal: the rule, where in the file, and what to do. */
    public record Violation(PolicyRule rule, String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    /** The outcome: what was refused, what was allowed only because the repository is trusted, what was rewritten. */
    public record Verdict(List<Violation> violations, List<Violation> relaxed, List<String> rewrites) {
    }

    private static final Set<String> HOST_MODES = Set.of("pid", "ipc", "uts", "userns_mode", "cgroup");
    private static final String SOCKET = "docker.sock";

    private final String file;
    private final Path checkout;
    private final Set<PolicyRule> allowed;
    private final List<Violation> found = new ArrayList<>();

    private ComposePolicy(String file, Path checkout, Set<PolicyRule> allowed) {
        this.file = file;
        this.checkout = checkout;
        this.allowed = allowed;
    }

    /**
     * Checks {@code doc} (and rewrites what is harmless to rewrite, in place). Throws
     * {@link ComposeFileException} listing every violation not allowed by {@code allowed}.
     */
    public static Verdict enforce(String file, Map<String, Object> doc, Path checkout, Set<PolicyRule> allowed) {
        ComposePolicy p = new ComposePolicy(file, checkout, allowed);
        List<String> rewrites = p.check(doc);
        List<Violation> refused = p.found.stream().filter(v -> !allowed.contains(v.rule())).toList();
        List<Violation> relaxed = p.found.stream().filter(v -> allowed.contains(v.rule())).toList();
        if (!refused.isEmpty()) {
            throw new ComposeFileException(file, refused.stream().map(Violation::toString).toList());
        }
        return new Verdict(refused, relaxed, rewrites);
    }

    private List<String> check(Map<String, Object> doc) {
        List<String> rewrites = new ArrayList<>();
        if (doc.get("services") instanceof Map<?, ?> services) {
            for (Map.Entry<?, ?> e : services.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> service) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> s = (Map<String, Object>) service;
                    checkService("services." + e.getKey(), s, rewrites);
                }
            }
        }
        topLevel(doc, "networks");
        topLevel(doc, "volumes");
        for (String kind : List.of("secrets", "configs")) {
            if (doc.get(kind) instanceof Map<?, ?> items) {
                items.forEach((name, def) -> {
                    if (def instanceof Map<?, ?> d && d.get("file") != null) {
                        hostPath(kind + "." + name + ".file", d.get("file"));
                    }
                    if (def instanceof Map<?, ?> d && Boolean.TRUE.equals(d.get("external"))) {
                        add(PolicyRule.EXTERNAL, kind + "." + name + ".external", "external " + kind + " are shared with the host; define it in the file");
                    }
                });
            }
        }
        if (doc.get("include") instanceof List<?> includes) {
            for (int i = 0; i < includes.size(); i++) {
                Object inc = includes.get(i);
                Object path = inc instanceof Map<?, ?> m ? m.get("path") : inc;
                if (path instanceof List<?> paths) {
                    paths.forEach(pth -> hostPath("include", pth));
                } else if (path != null) {
                    hostPath("include[" + i + "]", path);
                }
            }
        }
        return rewrites;
    }

    private void checkService(String at, Map<String, Object> s, List<String> rewrites) {
        if (truthy(s.get("privileged"))) {
            add(PolicyRule.PRIVILEGED, at + ".privileged", "not allowed in a review environment (it would give the branch root on the host); remove it");
        }
        if (s.get("cap_add") != null) {
            add(PolicyRule.CAPABILITIES, at + ".cap_add", "extra capabilities are not allowed in a review environment (they reach the host kernel); remove cap_add");
        }
        for (String key : List.of("devices", "device_cgroup_rules")) {
            if (s.get(key) != null) {
                add(PolicyRule.DEVICES, at + "." + key, "host devices are not allowed in a review environment; remove " + key);
            }
        }
        for (String key : HOST_MODES) {
            if ("host".equals(lower(s.get(key)))) {
                add(PolicyRule.HOST_NAMESPACES, at + "." + key, "'host' shares the host's namespace with the branch; remove " + key);
            }
        }
        String networkMode = lower(s.get("network_mode"));
        if (networkMode != null && (networkMode.equals("host") || networkMode.startsWith("container:"))) {
            add(PolicyRule.HOST_NAMESPACES, at + ".network_mode", "'" + networkMode + "' joins a network outside this environment"
                    + " (the host's, or another container's); remove network_mode, or use service:<name> within the file");
        }
        if (s.get("security_opt") instanceof List<?> opts) {
            for (Object o : opts) {
                String opt = lower(o);
                if (opt != null && (opt.contains("unconfined") || opt.contains("label:disable") || opt.contains("label=disable")
                        || opt.startsWith("systempaths") || opt.contains("no-new-privileges:false") || opt.contains("no-new-privileges=false"))) {
                    add(PolicyRule.SECURITY_OPT, at + ".security_opt", "'" + o + "' disables the confinement of the container; remove it");
                }
            }
        }
        if (s.get("container_name") != null) {
            add(PolicyRule.CONTAINER_NAME, at + ".container_name", "a fixed container name clashes between branches; remove it"
                    + " (the container is reachable by its service name)");
        }
        if (s.get("ports") != null) {
            add(PolicyRule.PORTS, at + ".ports", "host ports are not used in a review environment (Traefik routes to it by name);"
                    + " write the port under expose: instead");
        }
        if (s.get("volumes") instanceof List<?> volumes) {
            for (int i = 0; i < volumes.size(); i++) {
                mount(at + ".volumes[" + i + "]", volumes.get(i));
            }
        }
        if (s.get("volumes_from") instanceof List<?> from) {
            for (Object f : from) {
                if (String.valueOf(f).startsWith("container:")) {
                    add(PolicyRule.BIND_MOUNTS, at + ".volumes_from", "'" + f + "' mounts the volumes of a container outside this environment; remove it");
                }
            }
        }
        if (s.get("env_file") != null) {
            List<?> files = s.get("env_file") instanceof List<?> l ? l : List.of(s.get("env_file"));
            for (Object f : files) {
                hostPath(at + ".env_file", f instanceof Map<?, ?> m ? m.get("path") : f);
            }
        }
        if (s.get("build") instanceof Map<?, ?> build) {
            if (build.get("context") != null && !String.valueOf(build.get("context")).contains("://")) {
                hostPath(at + ".build.context", build.get("context"));
            }
            if (build.get("dockerfile") != null) {
                hostPath(at + ".build.dockerfile", build.get("dockerfile"));
            }
            if (build.get("additional_contexts") instanceof Map<?, ?> extra) {
                extra.forEach((k, v) -> {
                    if (!String.valueOf(v).contains("://") && !String.valueOf(v).startsWith("service:")) {
                        hostPath(at + ".build.additional_contexts." + k, v);
                    }
                });
            }
            if ("host".equals(lower(build.get("network")))) {
                add(PolicyRule.BUILD_PRIVILEGES, at + ".build.network", "builds on the host's network are not allowed; remove it");
            }
            if (truthy(build.get("privileged")) || build.get("entitlements") != null) {
                add(PolicyRule.BUILD_PRIVILEGES, at + ".build", "privileged builds are not allowed; remove privileged/entitlements");
            }
        } else if (s.get("build") != null) {
            hostPath(at + ".build", s.get("build"));
        }
        if (s.get("extends") instanceof Map<?, ?> ext && ext.get("file") != null) {
            hostPath(at + ".extends.file", ext.get("file"));
        }
        if (s.containsKey("restart") && !"no".equals(String.valueOf(s.get("restart")))) {
            rewrites.add(at + ".restart: '" + s.get("restart") + "' rewritten to \"no\" (review environments do not restart by themselves)");
            s.put("restart", "no");
        }
        if (s.get("deploy") instanceof Map<?, ?> deploy && deploy.get("restart_policy") != null) {
            rewrites.add(at + ".deploy.restart_policy removed (review environments do not restart by themselves)");
            @SuppressWarnings("unchecked")
            Map<String, Object> d = (Map<String, Object>) deploy;
            d.remove("restart_policy");
        }
    }

    private void mount(String at, Object volume) {
        if (volume instanceof Map<?, ?> m) {
            String type = lower(m.get("type"));
            String source = m.get("source") == null ? null : String.valueOf(m.get("source"));
            if (source != null && source.contains(SOCKET)) {
                add(PolicyRule.DOCKER_SOCKET, at, "mounting the Docker socket gives the branch root on the host; remove it");
            } else if ("bind".equals(type) || "npipe".equals(type)) {
                add(PolicyRule.BIND_MOUNTS, at, "bind mounts of host paths are not allowed in a review environment; use a named volume");
            }
            return;
        }
        String spec = String.valueOf(volume);
        int colon = spec.indexOf(':');
        String source = colon < 0 ? null : spec.substring(0, colon);
        if (source == null) {
            return;
        }
        if (source.contains(SOCKET)) {
            add(PolicyRule.DOCKER_SOCKET, at, "mounting the Docker socket (" + source + ") gives the branch root on the host; remove it");
        } else if (source.startsWith("/") || source.startsWith(".") || source.startsWith("~") || source.contains("/")
                || source.contains("$")) {
            add(PolicyRule.BIND_MOUNTS, at, "'" + source + "' binds a host path; review environments never bind a host directory,"
                    + " use a named volume (e.g. data:" + spec.substring(colon + 1) + ")");
        }
    }

    private void topLevel(Map<String, Object> doc, String kind) {
        if (!(doc.get(kind) instanceof Map<?, ?> items)) {
            return;
        }
        items.forEach((name, def) -> {
            if (!(def instanceof Map<?, ?> d)) {
                return;
            }
            String at = kind + "." + name;
            if (truthy(d.get("external")) || d.get("external") instanceof Map) {
                add(PolicyRule.EXTERNAL, at + ".external", "external " + kind + " are shared with what is outside this environment;"
                        + " remove external (reviewenv adds its own network for routing)");
            }
            if (d.get("name") != null) {
                add(PolicyRule.EXTERNAL, at + ".name", "a fixed name can reach the " + kind + " of another environment; remove name");
            }
            if (kind.equals("volumes") && d.get("driver_opts") instanceof Map<?, ?> opts
                    && (opts.containsKey("device") || String.valueOf(opts.get("o")).contains("bind"))) {
                add(PolicyRule.BIND_MOUNTS, at + ".driver_opts", "a volume backed by a host path is a bind mount; remove driver_opts");
            }
            if (kind.equals("networks") && "host".equals(lower(d.get("driver")))) {
                add(PolicyRule.HOST_NAMESPACES, at + ".driver", "the host network driver is not allowed; remove driver");
            }
        });
    }

    /** A path the file reads from the host: it must stay inside the checkout. */
    private void hostPath(String at, Object value) {
        if (value == null) {
            return;
        }
        String p = String.valueOf(value);
        if (p.startsWith("~") || p.contains("$")) {
            add(PolicyRule.HOST_FILES, at, "'" + p + "' reads from outside the branch; use a path inside the repository");
            return;
        }
        Path resolved = checkout.resolve(p).normalize();
        if (!resolved.startsWith(checkout)) {
            add(PolicyRule.HOST_FILES, at, "'" + p + "' is outside the branch's checkout; use a path inside the repository");
        }
    }

    private void add(PolicyRule rule, String path, String message) {
        found.add(new Violation(rule, path, message));
    }

    private static boolean truthy(Object o) {
        return Boolean.TRUE.equals(o) || "true".equalsIgnoreCase(String.valueOf(o));
    }

    private static String lower(Object o) {
        return o == null ? null : String.valueOf(o).trim().toLowerCase(Locale.ROOT);
    }

    /** The rules a repository's configuration relaxes. */
    public static Set<PolicyRule> rules(List<String> keys) {
        Set<PolicyRule> rules = java.util.EnumSet.noneOf(PolicyRule.class);
        keys.forEach(k -> rules.add(PolicyRule.of(k)));
        return rules;
    }

}
