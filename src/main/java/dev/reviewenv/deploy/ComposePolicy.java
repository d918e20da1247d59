package dev.reviewenv.deploy;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.fs.Beneath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
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
    /**
     * The sysctls Docker sets inside a container's own namespaces (its network, its IPC): every other
     * one is the host's, and Docker would refuse it at {@code up}.
     */
    private static final java.util.regex.Pattern NAMESPACED_SYSCTL = java.util.regex.Pattern.compile(
            "net\\..+|kernel\\.(msgmax|msgmnb|msgmni|sem|shmall|shmmax|shmmni|shm_rmid_forced)|fs\\.mqueue\\..+");
    private static final Set<String> BUILD_HARMLESS = Set.of("dockerfile_inline", "args", "target", "shm_size",
            "extra_hosts", "platforms", "pull", "no_cache", "secrets", "ulimits", "provenance", "sbom", "cache_from");
    private static final Set<String> LOG_DRIVERS = Set.of("json-file", "local", "none");
    private static final Set<String> SPOOFED = Set.of("dev.reviewenv.", "com.docker.compose.");
    private static final String SOCKET = "docker.sock";

    // The tables: one row per key of a section, with what it may hold, the rule a trusted repository
    // may relax (null: none) and what a refusal says. A key that is in no table is refused.

    /** How one key is judged: its value at its path; {@code owner} names the item it belongs to. */
    @FunctionalInterface
    private interface Judge {
        void judge(ComposePolicy p, String path, Object value, String owner);
    }

    /** Any value. */
    private static final Judge ANY = (p, at, v, owner) -> { };

    /** Refused when {@code when} holds for the value, by {@code rule}, saying {@code message}. */
    private static Judge refuse(java.util.function.Predicate<Object> when, PolicyRule rule, String message) {
        return (p, at, v, owner) -> {
            if (when.test(v)) {
                p.add(rule, at, message);
            }
        };
    }

    /** Refused whatever it holds. */
    private static Judge never(PolicyRule rule, String message) {
        return refuse(v -> true, rule, message);
    }

    @SafeVarargs
    private static Map<String, Judge> table(Map.Entry<String, Judge>... rows) {
        Map<String, Judge> t = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Judge> r : rows) {
            t.put(r.getKey(), r.getValue());
        }
        return java.util.Collections.unmodifiableMap(t);
    }

    private static Map.Entry<String, Judge> row(String key, Judge judge) {
        return Map.entry(key, judge);
    }

    private static final Judge NOT_EMPTY_DEVICES = refuse(v -> !empty(v), PolicyRule.DEVICES,
            "host devices are not allowed in a review environment; remove it");
    private static final Judge RUNTIME = never(PolicyRule.SECURITY_OPT,
            "choosing the runtime or cgroup of a container changes its confinement; remove it");
    private static final Judge HOST_NAMESPACE = (p, at, v, owner) -> p.add(PolicyRule.HOST_NAMESPACES, at,
            "'" + v + "' shares the host's namespace with the branch; remove it");

    /** The keys of a service. */
    private static final Map<String, Judge> SERVICE;

    static {
        Map<String, Judge> t = new java.util.LinkedHashMap<>();
        HARMLESS.forEach(k -> t.put(k, ANY));
        t.putAll(table(
                row("labels", (p, at, v, o) -> p.labels(at, v)),
                row("profiles", refuse(v -> !empty(v), null, "services in profiles are not run in a review environment")),
                row("restart", refuse(v -> !"no".equals(String.valueOf(v)), null,
                        "review environments do not restart by themselves; write restart: \"no\"")),
                row("deploy", (p, at, v, o) -> p.deploy(at, v)),
                row("privileged", refuse(ComposePolicy::truthy, PolicyRule.PRIVILEGED,
                        "not allowed in a review environment (it would give the branch root on the host); remove it")),
                row("cap_add", refuse(v -> !empty(v), PolicyRule.CAPABILITIES,
                        "extra capabilities are not allowed in a review environment (they reach the host kernel); remove cap_add")),
                row("devices", NOT_EMPTY_DEVICES),
                row("device_cgroup_rules", NOT_EMPTY_DEVICES),
                row("gpus", NOT_EMPTY_DEVICES),
                row("blkio_config", NOT_EMPTY_DEVICES),
                row("pid", (p, at, v, o) -> p.namespace(at, v, Set.of())),
                row("ipc", (p, at, v, o) -> p.namespace(at, v, Set.of("private", "shareable", "none"))),
                row("network_mode", (p, at, v, o) -> p.namespace(at, v, Set.of("none"))),
                row("uts", HOST_NAMESPACE),
                row("userns_mode", HOST_NAMESPACE),
                row("cgroup", refuse(v -> !"private".equals(lower(v)), PolicyRule.HOST_NAMESPACES,
                        "it shares the host's cgroup namespace; remove cgroup")),
                row("networks", (p, at, v, o) -> p.serviceNetworks(at, v)),
                row("security_opt", (p, at, v, o) -> p.securityOpt(at, v)),
                row("runtime", RUNTIME),
                row("isolation", RUNTIME),
                row("cgroup_parent", RUNTIME),
                row("oom_score_adj", refuse(v -> v instanceof Number n && n.intValue() < 0 || String.valueOf(v).startsWith("-"),
                        PolicyRule.PRIVILEGED, "a negative score makes the host kill other processes first; remove it")),
                row("oom_kill_disable", refuse(ComposePolicy::truthy, PolicyRule.PRIVILEGED,
                        "a container the OOM killer spares can starve the host; remove it")),
                // Adapted into aliases and expose (ComposeAdaptations); only a trusted repository's are left here.
                row("container_name", never(PolicyRule.CONTAINER_NAME, "a fixed container name clashes between branches")),
                row("ports", refuse(v -> !empty(v), PolicyRule.PORTS, "ports published on the host are shared by every branch")),
                row("volumes", (p, at, v, o) -> p.list(at, v, p::mount)),
                row("volumes_from", (p, at, v, o) -> p.list(at, v, (path, f) -> {
                    String source = String.valueOf(f).replaceFirst("^service:", "").replaceFirst(":(ro|rw)$", "");
                    if (!p.services.contains(source)) {
                        p.add(PolicyRule.BIND_MOUNTS, path, "'" + f + "' mounts the volumes of a container outside this environment;"
                                + " remove it");
                    }
                })),
                row("links", (p, at, v, o) -> p.list(at, v, (path, l) -> {
                    if (!p.services.contains(String.valueOf(l).split(":")[0])) {
                        p.add(PolicyRule.EXTERNAL, path, "'" + l + "' links to a container outside this environment; remove it");
                    }
                })),
                row("external_links", never(PolicyRule.EXTERNAL, "links to containers outside this environment; remove external_links")),
                row("env_file", (p, at, v, o) -> p.list(at, v, (path, f) -> p.hostPath(path, f instanceof Map<?, ?> m ? m.get("path") : f))),
                row("label_file", (p, at, v, o) -> p.list(at, v, (path, f) -> p.hostPath(path, f instanceof Map<?, ?> m ? m.get("path") : f))),
                row("build", (p, at, v, o) -> p.build(at, o, v)),
                row("logging", (p, at, v, o) -> p.logging(at, v)),
                row("post_start", (p, at, v, o) -> p.hooks(at, v)),
                row("pre_stop", (p, at, v, o) -> p.hooks(at, v)),
                row("sysctls", (p, at, v, o) -> p.sysctls(at, v)),
                row("storage_opt", never(null, "storage options need a storage driver this host may not have, and reach the"
                        + " host's disks; remove storage_opt")),
                row("use_api_socket", refuse(ComposePolicy::truthy, PolicyRule.DOCKER_SOCKET,
                        "mounts the Docker socket into the container, which gives the branch root on the host; remove it"))));
        SERVICE = java.util.Collections.unmodifiableMap(t);
    }

    /** The keys of a service's {@code build}. */
    private static final Map<String, Judge> BUILD;

    static {
        Map<String, Judge> t = new java.util.LinkedHashMap<>();
        BUILD_HARMLESS.forEach(k -> t.put(k, ANY));
        t.putAll(table(
                row("cache_from", (p, at, v, o) -> p.list(at, v, (path, c) -> {
                    if (lower(c).contains("type=local")) {
                        p.add(PolicyRule.HOST_FILES, path, "a local cache reads a directory of the host; remove it");
                    }
                })),
                row("context", (p, at, v, o) -> p.buildContext(at, v)),
                row("dockerfile", ANY), // judged with its context, after the table
                row("labels", (p, at, v, o) -> p.labels(at, v)),
                row("additional_contexts", (p, at, v, o) -> p.additionalContexts(at, v)),
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
                        + " named after the environment and service (" + p.project + "/" + o + ":<commit>); remove tags")),
                row("isolation", never(PolicyRule.SECURITY_OPT, "choosing the isolation of a build is not allowed; remove it"))));
        BUILD = java.util.Collections.unmodifiableMap(t);
    }

    /** The keys of a service's {@code deploy}. */
    private static final Map<String, Judge> DEPLOY = table(
            row("mode", ANY), row("replicas", ANY), row("update_config", ANY), row("rollback_config", ANY),
            row("placement", ANY), row("endpoint_mode", ANY),
            row("labels", (p, at, v, o) -> p.labels(at, v)),
            row("restart_policy", never(null, "review environments do not restart by themselves; remove restart_policy")),
            row("resources", (p, at, v, o) -> {
                if (v instanceof Map<?, ?> r && r.get("reservations") instanceof Map<?, ?> res
                        && (!empty(res.get("devices")) || !empty(res.get("generic_resources")))) {
                    p.add(PolicyRule.DEVICES, at + ".reservations", "host devices are not allowed in a review environment; remove devices");
                }
            }));

    /** The keys of a top-level network. */
    private static final Map<String, Judge> NETWORK = table(
            row("internal", ANY), row("attachable", ANY), row("enable_ipv6", ANY), row("enable_ipv4", ANY),
            row("labels", (p, at, v, o) -> p.labels(at, v)),
            row("name", (p, at, v, o) -> p.fixedName(at, o, v, "networks")),
            row("external", (p, at, v, o) -> p.external(at, v, "networks")),
            row("driver", refuse(v -> !Set.of("bridge", "default").contains(lower(v)), PolicyRule.HOST_NAMESPACES,
                    "this driver attaches to the host's interfaces or other hosts; remove driver (a bridge network is made)")),
            row("driver_opts", refuse(v -> !empty(v), PolicyRule.HOST_NAMESPACES,
                    "driver options reach the host's interfaces; remove driver_opts")),
            row("ipam", refuse(v -> v instanceof Map<?, ?> ipam && (!empty(ipam.get("config")) || ipam.get("driver") != null
                    && !"default".equals(lower(ipam.get("driver")))), PolicyRule.HOST_NAMESPACES,
                    "fixed subnets can collide with the host's own networks; remove ipam (Docker picks a free subnet)")));

    /** The keys of a top-level volume. */
    private static final Map<String, Judge> VOLUME = table(
            row("labels", (p, at, v, o) -> p.labels(at, v)),
            row("name", (p, at, v, o) -> p.fixedName(at, o, v, "volumes")),
            row("external", (p, at, v, o) -> p.external(at, v, "volumes")),
            row("driver", refuse(v -> !"local".equals(lower(v)), PolicyRule.BIND_MOUNTS,
                    "volume drivers other than local store data outside Docker; remove driver")),
            row("driver_opts", refuse(v -> !empty(v), PolicyRule.BIND_MOUNTS,
                    "a volume backed by a host path is a bind mount; remove driver_opts")));

    /** The keys of a top-level secret or config. */
    private static final Map<String, Judge> FILE_OBJECT = table(
            row("content", ANY),
            row("labels", ANY),
            row("file", (p, at, v, o) -> p.hostPath(at, v)),
            row("environment", (p, at, v, o) -> p.add(PolicyRule.HOST_FILES, at, "a secret or config from the service's own"
                    + " environment is not allowed; use file: in the repository or content:")),
            row("name", (p, at, v, o) -> p.fixedName(at, o, v, at.substring(0, at.indexOf('.')))),
            row("external", (p, at, v, o) -> p.external(at, v, at.substring(0, at.indexOf('.')))));

    private final String project;
    private final Path checkout;
    private final Set<String> services;
    private final Set<String> volumes;
    private final List<Violation> found = new ArrayList<>();

    private ComposePolicy(String project, Path checkout, Map<String, Object> doc) {
        this.project = project;
        this.checkout = checkout;
        this.services = keys(doc.get("services"));
        this.volumes = keys(doc.get("volumes"));
    }

    /**
     * Checks the resolved model {@code doc} of the environment {@code project} whose files are in
     * {@code checkout} (a real path), as {@link ComposeAdaptations} left it; changes nothing. Throws
     * {@link ComposeFileException} listing every violation that {@code allowed} does not relax.
     */
    public static Verdict enforce(String file, Map<String, Object> doc, String project, Path checkout, Set<PolicyRule> allowed) {
        ComposePolicy p = new ComposePolicy(project, checkout, doc);
        p.document(doc);
        List<Violation> refused = p.found.stream().filter(v -> v.rule() == null || !allowed.contains(v.rule())).toList();
        List<Violation> relaxed = p.found.stream().filter(v -> v.rule() != null && allowed.contains(v.rule())).toList();
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

    private void document(Map<String, Object> doc) {
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            String key = e.getKey();
            switch (key) {
                case "name", "version" -> { } // the project is always the environment's; the version is Compose's own
                case "services" -> each(key, e.getValue(), this::service);
                case "networks" -> each(key, e.getValue(), this::network);
                case "volumes" -> each(key, e.getValue(), this::volume);
                case "secrets", "configs" -> each(key, e.getValue(), this::fileObject);
                default -> extensionOrUnknown(key, key);
            }
        }
    }

    private void service(String at, String name, Map<String, Object> s) {
        judge(SERVICE, at, name, s);
    }

    /** Judges every key of one item (a service, a network, ...) by its section's table; a key in none is refused. */
    private void judge(Map<String, Judge> table, String at, String owner, Map<?, ?> item) {
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

    /** {@code pid}, {@code ipc}, {@code network_mode}: the environment's own namespaces only. */
    private void namespace(String path, Object v, Set<String> words) {
        String mode = lower(v);
        if (mode == null || mode.isEmpty() || words.contains(mode)
                || mode.startsWith("service:") && services.contains(mode.substring("service:".length()))) {
            return;
        }
        String why = mode.equals("host") ? "'host' shares the host's namespace with the branch"
                : mode.startsWith("container:") ? "'" + v + "' joins a container outside this environment"
                : mode.equals("bridge") || mode.equals("default") ? "'" + v + "' joins Docker's default bridge, shared with containers outside this environment"
                : "'" + v + "' is not a namespace of this environment";
        add(PolicyRule.HOST_NAMESPACES, path, why + "; remove it, or use service:<name> of a service in this file");
    }

    private void serviceNetworks(String path, Object v) {
        for (String net : keys(v)) {
            if (net.startsWith(ComposeRenderer.ROUTING_NETWORK_KEY)) {
                add(null, path + "." + net, "network keys starting with '" + ComposeRenderer.ROUTING_NETWORK_KEY + "' are"
                        + " reviewenv's own (only the routed service joins the routing network, under the name reviewenv"
                        + " chooses); rename your network");
            }
            if (v instanceof Map<?, ?> m && m.get(net) instanceof Map<?, ?> attach) {
                for (Object k : attach.keySet()) {
                    if (!Set.of("aliases", "ipv4_address", "ipv6_address", "link_local_ips", "mac_address", "priority",
                            "gw_priority", "interface_name").contains(String.valueOf(k))) {
                        extensionOrUnknown(path + "." + net + "." + k, String.valueOf(k));
                    }
                }
            }
        }
    }

    private void securityOpt(String path, Object v) {
        list(path, v, (p, o) -> {
            String opt = lower(o).replace('=', ':');
            if (!(opt.equals("no-new-privileges") || opt.equals("no-new-privileges:true"))) {
                add(PolicyRule.SECURITY_OPT, p, "'" + o + "' changes the confinement of the container; remove it"
                        + " (only no-new-privileges:true is allowed)");
            }
        });
    }

    /**
     * One mount of a service, as adapted: a named volume, tmpfs or image, or a read-only bind of a
     * path inside the checkout; any other bind is a host path.
     */
    private void mount(String path, Object volume) {
        if (volume instanceof Map<?, ?> m) {
            String type = lower(m.get("type"));
            String source = m.get("source") == null ? null : String.valueOf(m.get("source"));
            if (source != null && source.contains(SOCKET)) {
                add(PolicyRule.DOCKER_SOCKET, path, "mounting the Docker socket gives the branch root on the host; remove it");
            } else if ("bind".equals(type)) {
                boolean readOnly = truthy(m.get("read_only"));
                if (source == null || !source.startsWith("/") || !Beneath.stays(checkout, Path.of(source)) || !readOnly) {
                    add(PolicyRule.BIND_MOUNTS, path, "'" + source + "' binds a host path outside the branch's checkout (links"
                            + " followed); mount a file or folder of the repository (./path), or use a named volume");
                }
            } else if ("npipe".equals(type) || "cluster".equals(type)) {
                add(PolicyRule.BIND_MOUNTS, path, "'" + type + "' mounts reach the host; use a named volume");
            } else if (type == null || !Set.of("volume", "tmpfs", "image").contains(type)) {
                add(null, path + ".type", "'" + m.get("type") + "' is not a mount type reviewenv allows; use volume or tmpfs");
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
            add(PolicyRule.DOCKER_SOCKET, path, "mounting the Docker socket (" + source + ") gives the branch root on the host; remove it");
        } else if (source.startsWith("/") || source.startsWith(".") || source.startsWith("~") || source.contains("/")
                || source.contains("$") || !volumes.contains(source)) {
            add(PolicyRule.BIND_MOUNTS, path, "'" + source + "' binds a host path outside the branch's checkout; mount a file or"
                    + " folder of the repository (./path), or use a named volume (e.g. data:" + spec.substring(colon + 1) + ")");
        }
    }

    private void build(String path, String service, Object v) {
        if (!(v instanceof Map<?, ?> b)) {
            hostPath(path, v);
            return;
        }
        judge(BUILD, path, service, b);
        Object context = b.get("context") == null ? "." : b.get("context");
        if (b.get("dockerfile") != null && !remote(String.valueOf(context))) {
            Path dockerfile = Path.of(String.valueOf(b.get("dockerfile")));
            hostPath(path + ".dockerfile", dockerfile.isAbsolute() ? dockerfile.toString()
                    : Path.of(String.valueOf(context)).resolve(dockerfile).toString());
        }
    }

    private void buildContext(String at, Object value) {
        String c = String.valueOf(value);
        if (c.contains("://") && !remote(c) || c.startsWith("git@")) {
            add(PolicyRule.HOST_FILES, at, "'" + c + "' is neither a directory of the repository nor an http(s)"
                    + " URL (file:// reads the host, ssh and git@ would use the host's keys); use a path inside the"
                    + " repository or an https:// URL");
        } else if (!remote(c)) {
            hostPath(at, value);
        }
    }

    private void additionalContexts(String at, Object value) {
        entries(at, value, (p, ctx) -> {
            String c = String.valueOf(ctx);
            if (c.startsWith("service:")) {
                if (!services.contains(c.substring("service:".length()))) {
                    add(null, p, "'" + c + "' is not a service of this file");
                }
            } else if (c.contains("://") && !remote(c) && !c.startsWith("docker-image://") || c.startsWith("git@")) {
                add(PolicyRule.HOST_FILES, p, "'" + c + "' is neither a directory of the repository, an http(s) URL"
                        + " nor a docker-image:// reference; use one of those");
            } else if (!remote(c) && !c.startsWith("docker-image://")) {
                hostPath(p, c);
            }
        });
    }

    private void hooks(String path, Object v) {
        list(path, v, (p, hook) -> {
            if (hook instanceof Map<?, ?> h && truthy(h.get("privileged"))) {
                add(PolicyRule.PRIVILEGED, p + ".privileged", "a privileged hook runs as root on the host's terms; remove privileged");
            }
        });
    }

    private void sysctls(String path, Object v) {
        entries(path, v, (p, value) -> {
            String sysctl = v instanceof List<?> ? String.valueOf(value).split("=", 2)[0] : p.substring(path.length() + 1);
            if (!NAMESPACED_SYSCTL.matcher(sysctl.trim()).matches()) {
                add(PolicyRule.HOST_NAMESPACES, p, "'" + sysctl + "' is a setting of the host's kernel, not of the"
                        + " container's own namespaces; remove it (net.*, kernel.shm*, kernel.msg*, kernel.sem and"
                        + " fs.mqueue.* are allowed)");
            }
        });
    }

    private void logging(String path, Object v) {
        if (v instanceof Map<?, ?> m && m.get("driver") != null && !LOG_DRIVERS.contains(lower(m.get("driver")))) {
            add(PolicyRule.LOGGING, path + ".driver", "'" + m.get("driver") + "' sends the logs out of the environment;"
                    + " use json-file or local");
        }
    }

    private void deploy(String path, Object v) {
        if (v instanceof Map<?, ?> d) {
            judge(DEPLOY, path, path, d);
        }
    }

    private void network(String at, String name, Map<String, Object> n) {
        judge(NETWORK, at, name, n);
    }

    private void volume(String at, String name, Map<String, Object> v) {
        judge(VOLUME, at, name, v);
    }

    /** A secret or config: its content inline or from a file of the checkout. */
    private void fileObject(String at, String name, Map<String, Object> o) {
        judge(FILE_OBJECT, at, name, o);
    }

    /** The name Compose gives an object by itself ({@code <project>_<key>}) is fine; any other reaches someone else's. */
    private void fixedName(String path, String key, Object value, String kind) {
        if (!(project + "_" + key).equals(String.valueOf(value))) {
            add(PolicyRule.EXTERNAL, path, "a fixed name can reach the " + kind + " of another environment; remove name");
        }
    }

    private void external(String path, Object value, String kind) {
        if (truthy(value) || value instanceof Map) {
            add(PolicyRule.EXTERNAL, path, "external " + kind + " are shared with what is outside this environment;"
                    + " remove external (reviewenv adds its own network for routing)");
        }
    }

    private void labels(String path, Object v) {
        for (String key : v instanceof Map<?, ?> ? keys(v) : listLabels(v)) {
            if (SPOOFED.stream().anyMatch(key::startsWith)) {
                add(null, path + "." + key, "labels under dev.reviewenv. and com.docker.compose. are set by reviewenv and"
                        + " Compose, never by a branch; remove it");
            }
        }
    }

    /** A path the file reads from the host: once every link is followed, it must stay inside the checkout. */
    private void hostPath(String path, Object value) {
        if (value == null) {
            return;
        }
        String p = String.valueOf(value);
        if (p.startsWith("~") || p.contains("$") || !Beneath.stays(checkout, checkout.resolve(p))) {
            add(PolicyRule.HOST_FILES, path, "'" + p + "' is outside the branch's checkout; use a path inside the repository");
        }
    }

    private void extensionOrUnknown(String path, String key) {
        if (key.startsWith("x-")) {
            return;
        }
        add(null, path, "not allowed in a review environment (reviewenv does not know what it would do); remove it");
    }

    private void add(PolicyRule rule, String path, String message) {
        found.add(new Violation(rule, path, message));
    }

    // Walking the model: maps of named items, and lists.

    private interface Item {
        void check(String path, String name, Map<String, Object> value);
    }

    private interface Entry {
        void check(String path, Object value);
    }

    @SuppressWarnings("unchecked")
    private void each(String at, Object v, Item item) {
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
    private void entries(String at, Object v, Entry entry) {
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, value) -> entry.check(at + "." + k, value));
        } else {
            list(at, v, entry);
        }
    }

    private void list(String at, Object v, Entry entry) {
        if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                entry.check(at + "[" + i + "]", l.get(i));
            }
        } else if (v != null) {
            entry.check(at, v);
        }
    }

    private static Set<String> keys(Object v) {
        Set<String> keys = new java.util.LinkedHashSet<>();
        if (v instanceof Map<?, ?> m) {
            m.keySet().forEach(k -> keys.add(String.valueOf(k)));
        } else if (v instanceof List<?> l) {
            l.forEach(k -> keys.add(String.valueOf(k)));
        }
        return keys;
    }

    private static List<String> listLabels(Object v) {
        List<String> keys = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(item -> keys.add(String.valueOf(item).split("=", 2)[0]));
        }
        return keys;
    }

    /** A context the sandboxed builder fetches itself: an http(s) URL (a Git repository or a tarball). */
    private static boolean remote(String context) {
        return context.startsWith("https://") || context.startsWith("http://");
    }

    private static boolean empty(Object o) {
        return o == null || o instanceof List<?> l && l.isEmpty() || o instanceof Map<?, ?> m && m.isEmpty()
                || o instanceof String s && s.isBlank();
    }

    private static boolean truthy(Object o) {
        return Boolean.TRUE.equals(o) || "true".equalsIgnoreCase(String.valueOf(o).trim());
    }

    private static String lower(Object o) {
        return o == null ? null : String.valueOf(o).trim().toLowerCase(Locale.ROOT);
    }
}
