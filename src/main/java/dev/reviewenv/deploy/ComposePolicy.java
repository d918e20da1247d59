package dev.reviewenv.deploy;

import static dev.reviewenv.deploy.ModelValues.empty;
import static dev.reviewenv.deploy.ModelValues.lower;
import static dev.reviewenv.deploy.ModelValues.truthy;
import static dev.reviewenv.deploy.PolicyTable.ANY;
import static dev.reviewenv.deploy.PolicyTable.never;
import static dev.reviewenv.deploy.PolicyTable.refuse;
import static dev.reviewenv.deploy.PolicyTable.row;
import static dev.reviewenv.deploy.PolicyTable.table;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.deploy.PolicyTable.Judge;
import dev.reviewenv.engine.compose.ComposeFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a branch's compose model may ask of the host: an allowlist, judged on the model as Compose
 * resolved it (after interpolation, {@code include}, {@code extends}, profiles and type coercion),
 * and adapted ({@link ComposeAdaptations}), so what is checked is what runs. Every key is a row of
 * its section's table below (SERVICE, BUILD, DEPLOY, NETWORK, VOLUME, FILE_OBJECT) with what it may
 * hold, the rule a trusted repository may relax and what a refusal says; a key in no table is
 * refused, naming its path. Everything is refused at once, each with its path and the fix. The
 * policy only judges: it changes nothing (the adaptations did what could be rewritten).
 * A trusted repository may be allowed named rules ({@link PolicyRule}), one by one; refusals
 * without a rule (unknown keys, labels only reviewenv and Compose set) are never relaxed.
 *
 * <p>The rows that need more than a line are checks of their own: {@link HostPaths} (paths and
 * mounts), {@link BuildChecks} (where a build reads from), {@link ConfinementChecks} (namespaces,
 * security options, sysctls, hooks, logs) and {@link IsolationChecks} (names, external objects,
 * labels, networks); {@link PolicyTable} is how a row is written and {@link PolicyWalk} walks the model.
 */
public final class ComposePolicy {

    /** One refusal: the rule that relaxes it (null: none does), where in the file, and what to do. */
    public record Violation(PolicyRule rule, String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    /** The outcome of a model that passed: what was allowed only because the repository is trusted. */
    public record Verdict(List<Violation> relaxed) {
    }

    /** Service keys that act only inside the container's own namespaces, whatever they hold. */
    private static final Set<String> HARMLESS = Set.of("annotations", "attach", "command", "entrypoint", "environment",
            "expose", "healthcheck", "hostname", "domainname", "init", "image", "mac_address", "platform", "pull_policy",
            "pull_refresh_after", "read_only", "stdin_open", "tty", "stop_signal", "stop_grace_period", "user",
            "working_dir", "dns", "dns_opt", "dns_search", "extra_hosts", "group_add", "scale", "cpu_count", "cpu_percent",
            "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset", "mem_limit",
            "mem_reservation", "mem_swappiness", "memswap_limit", "pids_limit", "shm_size", "ulimits", "tmpfs",
            "cap_drop", "depends_on", "secrets", "configs");
    private static final Set<String> BUILD_HARMLESS = Set.of("dockerfile_inline", "args", "target", "shm_size",
            "extra_hosts", "platforms", "pull", "no_cache", "secrets", "ulimits", "provenance", "sbom", "cache_from");

    // The tables: one row per key of a section, with what it may hold, the rule a trusted repository
    // may relax (null: none) and what a refusal says. A key that is in no table is refused.

    private static final Judge NOT_EMPTY_DEVICES = refuse(v -> !empty(v), PolicyRule.DEVICES,
            "host devices are not allowed in a review environment; remove it");
    private static final Judge RUNTIME = never(PolicyRule.SECURITY_OPT,
            "choosing the runtime or cgroup of a container changes its confinement; remove it");
    private static final Judge HOST_NAMESPACE = (p, at, v, owner) -> p.add(PolicyRule.HOST_NAMESPACES, at,
            "'" + v + "' shares the host's namespace with the branch; remove it");

    /** The keys of a service. */
    private static final Map<String, Judge> SERVICE = table(HARMLESS,
            row("labels", IsolationChecks::labels),
            row("profiles", refuse(v -> !empty(v), null, "services in profiles are not run in a review environment")),
            row("restart", refuse(v -> !"no".equals(String.valueOf(v)), null,
                    "review environments do not restart by themselves; write restart: \"no\"")),
            row("deploy", ComposePolicy::deploy),
            row("privileged", refuse(ModelValues::truthy, PolicyRule.PRIVILEGED,
                    "not allowed in a review environment (it would give the branch root on the host); remove it")),
            row("cap_add", refuse(v -> !empty(v), PolicyRule.CAPABILITIES,
                    "extra capabilities are not allowed in a review environment (they reach the host kernel); remove cap_add")),
            row("devices", NOT_EMPTY_DEVICES),
            row("device_cgroup_rules", NOT_EMPTY_DEVICES),
            row("gpus", NOT_EMPTY_DEVICES),
            row("blkio_config", NOT_EMPTY_DEVICES),
            row("pid", ConfinementChecks.namespace(Set.of())),
            row("ipc", ConfinementChecks.namespace(Set.of("private", "shareable", "none"))),
            row("network_mode", ConfinementChecks.namespace(Set.of("none"))),
            row("uts", HOST_NAMESPACE),
            row("userns_mode", HOST_NAMESPACE),
            row("cgroup", refuse(v -> !"private".equals(lower(v)), PolicyRule.HOST_NAMESPACES,
                    "it shares the host's cgroup namespace; remove cgroup")),
            row("networks", IsolationChecks::serviceNetworks),
            row("security_opt", ConfinementChecks::securityOpt),
            row("runtime", RUNTIME),
            row("isolation", RUNTIME),
            row("cgroup_parent", RUNTIME),
            row("oom_score_adj", refuse(v -> v instanceof Number n && n.intValue() < 0 || String.valueOf(v).startsWith("-"),
                    PolicyRule.PRIVILEGED, "a negative score makes the host kill other processes first; remove it")),
            row("oom_kill_disable", refuse(ModelValues::truthy, PolicyRule.PRIVILEGED,
                    "a container the OOM killer spares can starve the host; remove it")),
            // Adapted into aliases and expose (ComposeAdaptations); only a trusted repository's are left here.
            row("container_name", never(PolicyRule.CONTAINER_NAME, "a fixed container name clashes between branches")),
            row("ports", refuse(v -> !empty(v), PolicyRule.PORTS, "ports published on the host are shared by every branch")),
            row("volumes", HostPaths::volumes),
            row("volumes_from", (p, at, v, o) -> p.list(at, v, (path, f) -> {
                String source = String.valueOf(f).replaceFirst("^service:", "").replaceFirst(":(ro|rw)$", "");
                if (!p.isService(source)) {
                    p.add(PolicyRule.BIND_MOUNTS, path, "'" + f + "' mounts the volumes of a container outside this environment;"
                            + " remove it");
                }
            })),
            row("links", (p, at, v, o) -> p.list(at, v, (path, l) -> {
                if (!p.isService(String.valueOf(l).split(":")[0])) {
                    p.add(PolicyRule.EXTERNAL, path, "'" + l + "' links to a container outside this environment; remove it");
                }
            })),
            row("external_links", never(PolicyRule.EXTERNAL, "links to containers outside this environment; remove external_links")),
            row("env_file", HostPaths::files),
            row("label_file", HostPaths::files),
            row("build", ComposePolicy::build),
            row("logging", ConfinementChecks::logging),
            row("post_start", ConfinementChecks::hooks),
            row("pre_stop", ConfinementChecks::hooks),
            row("sysctls", ConfinementChecks::sysctls),
            row("storage_opt", never(null, "storage options need a storage driver this host may not have, and reach the"
                    + " host's disks; remove storage_opt")),
            row("use_api_socket", refuse(ModelValues::truthy, PolicyRule.DOCKER_SOCKET,
                    "mounts the Docker socket into the container, which gives the branch root on the host; remove it")));

    /** The keys of a service's {@code build}. */
    private static final Map<String, Judge> BUILD = table(BUILD_HARMLESS,
            row("cache_from", (p, at, v, o) -> p.list(at, v, (path, c) -> {
                if (lower(c).contains("type=local")) {
                    p.add(PolicyRule.HOST_FILES, path, "a local cache reads a directory of the host; remove it");
                }
            })),
            row("context", BuildChecks::context),
            row("dockerfile", ANY), // judged with its context, after the table
            row("labels", IsolationChecks::labels),
            row("additional_contexts", BuildChecks::additionalContexts),
            row("network", refuse(v -> !Set.of("default", "none").contains(lower(v)), PolicyRule.BUILD_PRIVILEGES,
                    "builds on the host's (or another) network are not allowed; remove it")),
            row("privileged", refuse(v -> truthy(v) || !(v instanceof Boolean) && !empty(v), PolicyRule.BUILD_PRIVILEGES,
                    "privileged builds are not allowed; remove privileged")),
            row("entitlements", refuse(v -> truthy(v) || !(v instanceof Boolean) && !empty(v), PolicyRule.BUILD_PRIVILEGES,
                    "privileged builds are not allowed; remove entitlements")),
            row("ssh", never(PolicyRule.BUILD_PRIVILEGES, "a build with the host's SSH agent or keys is not allowed; remove ssh")),
            row("cache_to", never(PolicyRule.HOST_FILES, "a build cache written to the host or a registry is not allowed;"
                    + " remove cache_to")),
            row("tags", (p, at, v, o) -> p.add(null, at, "extra tags could replace images others use; the image is always"
                    + " named after the environment and service (" + p.project() + "/" + o + ":<commit>); remove tags")),
            row("isolation", never(PolicyRule.SECURITY_OPT, "choosing the isolation of a build is not allowed; remove it")));

    /** The keys of a service's {@code deploy}. */
    private static final Map<String, Judge> DEPLOY = table(
            Set.of("mode", "replicas", "update_config", "rollback_config", "placement", "endpoint_mode"),
            row("labels", IsolationChecks::labels),
            row("restart_policy", never(null, "review environments do not restart by themselves; remove restart_policy")),
            row("resources", (p, at, v, o) -> {
                if (v instanceof Map<?, ?> r && r.get("reservations") instanceof Map<?, ?> res
                        && (!empty(res.get("devices")) || !empty(res.get("generic_resources")))) {
                    p.add(PolicyRule.DEVICES, at + ".reservations", "host devices are not allowed in a review environment; remove devices");
                }
            }));

    /** The keys of a top-level network. */
    private static final Map<String, Judge> NETWORK = table(Set.of("internal", "attachable", "enable_ipv6", "enable_ipv4"),
            row("labels", IsolationChecks::labels),
            row("name", (p, at, v, o) -> IsolationChecks.fixedName(p, at, o, v, "networks")),
            row("external", (p, at, v, o) -> IsolationChecks.external(p, at, v, "networks")),
            row("driver", refuse(v -> !Set.of("bridge", "default").contains(lower(v)), PolicyRule.HOST_NAMESPACES,
                    "this driver attaches to the host's interfaces or other hosts; remove driver (a bridge network is made)")),
            row("driver_opts", refuse(v -> !empty(v), PolicyRule.HOST_NAMESPACES,
                    "driver options reach the host's interfaces; remove driver_opts")),
            row("ipam", refuse(v -> v instanceof Map<?, ?> ipam && (!empty(ipam.get("config")) || ipam.get("driver") != null
                    && !"default".equals(lower(ipam.get("driver")))), PolicyRule.HOST_NAMESPACES,
                    "fixed subnets can collide with the host's own networks; remove ipam (Docker picks a free subnet)")));

    /** The keys of a top-level volume. */
    private static final Map<String, Judge> VOLUME = table(Set.of(),
            row("labels", IsolationChecks::labels),
            row("name", (p, at, v, o) -> IsolationChecks.fixedName(p, at, o, v, "volumes")),
            row("external", (p, at, v, o) -> IsolationChecks.external(p, at, v, "volumes")),
            row("driver", refuse(v -> !"local".equals(lower(v)), PolicyRule.BIND_MOUNTS,
                    "volume drivers other than local store data outside Docker; remove driver")),
            row("driver_opts", refuse(v -> !empty(v), PolicyRule.BIND_MOUNTS,
                    "a volume backed by a host path is a bind mount; remove driver_opts")));

    /** The keys of a top-level secret or config (its content inline or from a file of the checkout). */
    private static final Map<String, Judge> FILE_OBJECT = table(Set.of("content", "labels"),
            row("file", (p, at, v, o) -> HostPaths.hostPath(p, at, v)),
            row("environment", (p, at, v, o) -> p.add(PolicyRule.HOST_FILES, at, "a secret or config from the service's own"
                    + " environment is not allowed; use file: in the repository or content:")),
            row("name", (p, at, v, o) -> IsolationChecks.fixedName(p, at, o, v, section(at))),
            row("external", (p, at, v, o) -> IsolationChecks.external(p, at, v, section(at))));

    private ComposePolicy() {
    }

    /**
     * Checks the resolved model {@code doc} of the environment {@code project} whose files are in
     * {@code checkout} (a real path), as {@link ComposeAdaptations} left it; changes nothing. Throws
     * {@link ComposeFileException} listing every violation that {@code allowed} does not relax.
     */
    public static Verdict enforce(String file, Map<String, Object> doc, String project, Path checkout, Set<PolicyRule> allowed) {
        PolicyWalk p = new PolicyWalk(project, checkout, doc);
        document(p, doc);
        List<Violation> found = p.found();
        List<Violation> refused = found.stream().filter(v -> v.rule() == null || !allowed.contains(v.rule())).toList();
        List<Violation> relaxed = found.stream().filter(v -> v.rule() != null && allowed.contains(v.rule())).toList();
        if (!refused.isEmpty()) {
            throw new ComposeFileException(file, refused.stream().map(Violation::toString).toList());
        }
        return new Verdict(relaxed);
    }

    /** The rules a repository's configuration relaxes. */
    public static Set<PolicyRule> rules(List<String> keys) {
        Set<PolicyRule> rules = EnumSet.noneOf(PolicyRule.class);
        keys.forEach(k -> rules.add(PolicyRule.of(k)));
        return rules;
    }

    /** The top level: each section's items by their table. */
    private static void document(PolicyWalk p, Map<String, Object> doc) {
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            String key = e.getKey();
            switch (key) {
                case "name", "version" -> { } // the project is always the environment's; the version is Compose's own
                case "services" -> p.each(key, e.getValue(), (at, name, s) -> p.judge(SERVICE, at, name, s));
                case "networks" -> p.each(key, e.getValue(), (at, name, n) -> p.judge(NETWORK, at, name, n));
                case "volumes" -> p.each(key, e.getValue(), (at, name, v) -> p.judge(VOLUME, at, name, v));
                case "secrets", "configs" -> p.each(key, e.getValue(), (at, name, o) -> p.judge(FILE_OBJECT, at, name, o));
                default -> p.extensionOrUnknown(key, key);
            }
        }
    }

    /** A service's {@code build}: a context path, or a mapping judged by {@link #BUILD} and then its Dockerfile. */
    private static void build(PolicyWalk p, String path, Object v, String service) {
        if (!(v instanceof Map<?, ?> b)) {
            HostPaths.hostPath(p, path, v);
            return;
        }
        p.judge(BUILD, path, service, b);
        BuildChecks.dockerfile(p, path, b);
    }

    /** A service's {@code deploy}: a mapping judged by {@link #DEPLOY}, each key owned by the deploy itself. */
    private static void deploy(PolicyWalk p, String path, Object v, String service) {
        if (v instanceof Map<?, ?> d) {
            p.judge(DEPLOY, path, path, d);
        }
    }

    /** The section ({@code secrets} or {@code configs}) of the path of one of its items' keys. */
    private static String section(String at) {
        return at.substring(0, at.indexOf('.'));
    }
}
