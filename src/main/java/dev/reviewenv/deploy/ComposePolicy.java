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
 * so what is checked is what runs. Every key is listed here with what it may hold; a key that is
 * not listed is refused, naming its path. Everything is refused at once, each with its path and
 * the fix; harmless things are rewritten instead ({@code restart:} becomes {@code "no"}).
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
        for (String key : List.copyOf(s.keySet())) {
            Object v = s.get(key);
            String path = at + "." + key;
            if (v == null || HARMLESS.contains(key)) {
                continue;
            }
            switch (key) {
                case "labels" -> labels(path, v);
                case "profiles" -> {
                    if (!empty(v)) {
                        add(null, path, "services in profiles are not run in a review environment; this one should have been left out");
                    }
                }
                case "restart" -> {
                    if (!"no".equals(String.valueOf(v))) {
                        add(null, path, "review environments do not restart by themselves; write restart: \"no\"");
                    }
                }
                case "deploy" -> deploy(path, v);
                case "privileged" -> {
                    if (truthy(v)) {
                        add(PolicyRule.PRIVILEGED, path, "not allowed in a review environment (it would give the branch root on the host); remove it");
                    }
                }
                case "cap_add" -> {
                    if (!empty(v)) {
                        add(PolicyRule.CAPABILITIES, path, "extra capabilities are not allowed in a review environment (they reach the host kernel); remove cap_add");
                    }
                }
                case "devices", "device_cgroup_rules", "gpus", "blkio_config" -> {
                    if (!empty(v)) {
                        add(PolicyRule.DEVICES, path, "host devices are not allowed in a review environment; remove " + key);
                    }
                }
                case "pid" -> namespace(path, v, Set.of());
                case "ipc" -> namespace(path, v, Set.of("private", "shareable", "none"));
                case "network_mode" -> namespace(path, v, Set.of("none"));
                case "uts", "userns_mode" -> add(PolicyRule.HOST_NAMESPACES, path,
                        "'" + v + "' shares the host's namespace with the branch; remove " + key);
                case "cgroup" -> {
                    if (!"private".equals(lower(v))) {
                        add(PolicyRule.HOST_NAMESPACES, path, "'" + v + "' shares the host's cgroup namespace; remove cgroup");
                    }
                }
                case "networks" -> serviceNetworks(path, v);
                case "security_opt" -> securityOpt(path, v);
                case "runtime", "isolation", "cgroup_parent" -> add(PolicyRule.SECURITY_OPT, path,
                        "choosing the runtime or cgroup of a container changes its confinement; remove " + key);
                case "oom_score_adj" -> {
                    if (v instanceof Number n && n.intValue() < 0 || String.valueOf(v).startsWith("-")) {
                        add(PolicyRule.PRIVILEGED, path, "a negative score makes the host kill other processes first; remove it");
                    }
                }
                case "oom_kill_disable" -> {
                    if (truthy(v)) {
                        add(PolicyRule.PRIVILEGED, path, "a container the OOM killer spares can starve the host; remove it");
                    }
                }
                case "container_name" -> add(PolicyRule.CONTAINER_NAME, path, "a fixed container name clashes between branches");
                case "ports" -> {
                    if (!empty(v)) {
                        add(PolicyRule.PORTS, path, "ports published on the host are shared by every branch");
                    }
                }
                case "volumes" -> list(path, v, this::mount);
                case "volumes_from" -> list(path, v, (p, f) -> {
                    String source = String.valueOf(f).replaceFirst("^service:", "").replaceFirst(":(ro|rw)$", "");
                    if (!services.contains(source)) {
                        add(PolicyRule.BIND_MOUNTS, p, "'" + f + "' mounts the volumes of a container outside this environment; remove it");
                    }
                });
                case "links" -> list(path, v, (p, l) -> {
                    if (!services.contains(String.valueOf(l).split(":")[0])) {
                        add(PolicyRule.EXTERNAL, p, "'" + l + "' links to a container outside this environment; remove it");
                    }
                });
                case "external_links" -> add(PolicyRule.EXTERNAL, path, "links to containers outside this environment; remove external_links");
                case "env_file", "label_file" -> list(path, v, (p, f) -> hostPath(p, f instanceof Map<?, ?> m ? m.get("path") : f));
                case "build" -> build(path, name, v);
                case "logging" -> logging(path, v);
                case "post_start", "pre_stop" -> list(path, v, (p, hook) -> {
                    if (hook instanceof Map<?, ?> h && truthy(h.get("privileged"))) {
                        add(PolicyRule.PRIVILEGED, p + ".privileged", "a privileged hook runs as root on the host's terms; remove privileged");
                    }
                });
                case "sysctls" -> entries(path, v, (p, value) -> {
                    String sysctl = v instanceof List<?> ? String.valueOf(value).split("=", 2)[0] : p.substring(path.length() + 1);
                    if (!NAMESPACED_SYSCTL.matcher(sysctl.trim()).matches()) {
                        add(PolicyRule.HOST_NAMESPACES, p, "'" + sysctl + "' is a setting of the host's kernel, not of the"
                                + " container's own namespaces; remove it (net.*, kernel.shm*, kernel.msg*, kernel.sem and"
                                + " fs.mqueue.* are allowed)");
                    }
                });
                case "storage_opt" -> add(null, path, "storage options need a storage driver this host may not have, and"
                        + " reach the host's disks; remove storage_opt");
                case "use_api_socket" -> {
                    if (truthy(v)) {
                        add(PolicyRule.DOCKER_SOCKET, path, "mounts the Docker socket into the container, which gives the branch root on the host; remove it");
                    }
                }
                default -> extensionOrUnknown(path, key);
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
        for (Map.Entry<?, ?> e : b.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            String at = path + "." + key;
            if (value == null || BUILD_HARMLESS.contains(key)) {
                if (key.equals("cache_from")) {
                    list(at, value, (p, c) -> {
                        if (lower(c).contains("type=local")) {
                            add(PolicyRule.HOST_FILES, p, "a local cache reads a directory of the host; remove it");
                        }
                    });
                }
                continue;
            }
            switch (key) {
                case "context" -> {
                    String c = String.valueOf(value);
                    if (c.contains("://") && !remote(c) || c.startsWith("git@")) {
                        add(PolicyRule.HOST_FILES, at, "'" + c + "' is neither a directory of the repository nor an http(s)"
                                + " URL (file:// reads the host, ssh and git@ would use the host's keys); use a path inside the"
                                + " repository or an https:// URL");
                    } else if (!remote(c)) {
                        hostPath(at, value);
                    }
                }
                case "dockerfile" -> {
                    Path dockerfile = Path.of(String.valueOf(value));
                    Object context = b.get("context") == null ? "." : b.get("context");
                    if (!remote(String.valueOf(context))) {
                        hostPath(at, dockerfile.isAbsolute() ? dockerfile.toString()
                                : Path.of(String.valueOf(context)).resolve(dockerfile).toString());
                    }
                }
                case "labels" -> labels(at, value);
                case "additional_contexts" -> entries(at, value, (p, ctx) -> {
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
                case "network" -> {
                    if (!Set.of("default", "none").contains(lower(value))) {
                        add(PolicyRule.BUILD_PRIVILEGES, at, "builds on the host's (or another) network are not allowed; remove it");
                    }
                }
                case "privileged", "entitlements" -> {
                    if (truthy(value) || !(value instanceof Boolean) && !empty(value)) {
                        add(PolicyRule.BUILD_PRIVILEGES, at, "privileged builds are not allowed; remove " + key);
                    }
                }
                case "ssh" -> add(PolicyRule.BUILD_PRIVILEGES, at, "a build with the host's SSH agent or keys is not allowed; remove ssh");
                case "cache_to" -> add(PolicyRule.HOST_FILES, at, "a build cache written to the host or a registry is not allowed; remove cache_to");
                case "tags" -> add(null, at, "extra tags could replace images others use; the image is always named after the"
                        + " environment and service (" + project + "/" + service + ":<commit>); remove tags");
                case "isolation" -> add(PolicyRule.SECURITY_OPT, at, "choosing the isolation of a build is not allowed; remove it");
                default -> extensionOrUnknown(at, key);
            }
        }
    }

    private void logging(String path, Object v) {
        if (v instanceof Map<?, ?> m && m.get("driver") != null && !LOG_DRIVERS.contains(lower(m.get("driver")))) {
            add(PolicyRule.LOGGING, path + ".driver", "'" + m.get("driver") + "' sends the logs out of the environment;"
                    + " use json-file or local");
        }
    }

    private void deploy(String path, Object v) {
        if (!(v instanceof Map<?, ?> d)) {
            return;
        }
        for (Object k : List.copyOf(d.keySet())) {
            String key = String.valueOf(k);
            String at = path + "." + key;
            switch (key) {
                case "mode", "replicas", "update_config", "rollback_config", "placement", "endpoint_mode" -> { }
                case "labels" -> labels(at, d.get(k));
                case "restart_policy" -> add(null, at, "review environments do not restart by themselves; remove restart_policy");
                case "resources" -> {
                    if (d.get(k) instanceof Map<?, ?> r && r.get("reservations") instanceof Map<?, ?> res
                            && (!empty(res.get("devices")) || !empty(res.get("generic_resources")))) {
                        add(PolicyRule.DEVICES, at + ".reservations", "host devices are not allowed in a review environment; remove devices");
                    }
                }
                default -> extensionOrUnknown(at, key);
            }
        }
    }

    private void network(String at, String name, Map<String, Object> n) {
        for (Map.Entry<String, Object> e : n.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            String path = at + "." + key;
            if (v == null) {
                continue;
            }
            switch (key) {
                case "internal", "attachable", "enable_ipv6", "enable_ipv4" -> { }
                case "labels" -> labels(path, v);
                case "name" -> fixedName(path, name, v, "networks");
                case "external" -> external(path, v, "networks");
                case "driver" -> {
                    if (!Set.of("bridge", "default").contains(lower(v))) {
                        add(PolicyRule.HOST_NAMESPACES, path, "the '" + v + "' driver attaches to the host's interfaces or"
                                + " other hosts; remove driver (a bridge network is made)");
                    }
                }
                case "driver_opts" -> {
                    if (!empty(v)) {
                        add(PolicyRule.HOST_NAMESPACES, path, "driver options reach the host's interfaces; remove driver_opts");
                    }
                }
                case "ipam" -> {
                    if (v instanceof Map<?, ?> ipam && (!empty(ipam.get("config")) || ipam.get("driver") != null
                            && !"default".equals(lower(ipam.get("driver"))))) {
                        add(PolicyRule.HOST_NAMESPACES, path, "fixed subnets can collide with the host's own networks;"
                                + " remove ipam (Docker picks a free subnet)");
                    }
                }
                default -> extensionOrUnknown(path, key);
            }
        }
    }

    private void volume(String at, String name, Map<String, Object> v) {
        for (Map.Entry<String, Object> e : v.entrySet()) {
            String key = e.getKey();
            String path = at + "." + key;
            if (e.getValue() == null) {
                continue;
            }
            switch (key) {
                case "labels" -> labels(path, e.getValue());
                case "name" -> fixedName(path, name, e.getValue(), "volumes");
                case "external" -> external(path, e.getValue(), "volumes");
                case "driver" -> {
                    if (!"local".equals(lower(e.getValue()))) {
                        add(PolicyRule.BIND_MOUNTS, path, "volume drivers other than local store data outside Docker; remove driver");
                    }
                }
                case "driver_opts" -> {
                    if (!empty(e.getValue())) {
                        add(PolicyRule.BIND_MOUNTS, path, "a volume backed by a host path is a bind mount; remove driver_opts");
                    }
                }
                default -> extensionOrUnknown(path, key);
            }
        }
    }

    /** A secret or config: its content inline or from a file of the checkout. */
    private void fileObject(String at, String name, Map<String, Object> o) {
        String kind = at.substring(0, at.indexOf('.'));
        for (Map.Entry<String, Object> e : o.entrySet()) {
            String key = e.getKey();
            String path = at + "." + key;
            if (e.getValue() == null) {
                continue;
            }
            switch (key) {
                case "content", "labels" -> { }
                case "file" -> hostPath(path, e.getValue());
                case "environment" -> add(PolicyRule.HOST_FILES, path, "a " + kind.replaceAll("s$", "")
                        + " from the service's own environment is not allowed; use file: in the repository or content:");
                case "name" -> fixedName(path, name, e.getValue(), kind);
                case "external" -> external(path, e.getValue(), kind);
                default -> extensionOrUnknown(path, key);
            }
        }
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
