package dev.reviewenv.deploy;

import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.engine.fs.Beneath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a compose file as teams write it asks that a review environment can keep, rewritten on the
 * resolved model before the policy judges it (so what is judged, recorded and run is the adapted
 * model). Each rewrite is one line naming its path, what became of it and why; the branch's file
 * is never edited. A trusted repository keeps what its rule allows as written.
 * <ul>
 * <li>{@code ports}: nothing is published on the host; each container port counts as {@code expose}
 * (so routing still finds it).</li>
 * <li>{@code container_name}: dropped; the name becomes an alias of the service on each of the
 * environment's own networks, so the other services still reach it by that name.</li>
 * <li>a bind mount whose source resolves inside the checkout (links followed): mounted read-only
 * from the checkout; SELinux relabelling and consistency flags are dropped. One whose source is not
 * in the repository becomes a volume of the environment's own (Docker would have made an empty
 * directory there). A path of the host outside the checkout is never mounted: a writable one becomes
 * a volume of the environment's own too (empty at first, as on a new host, where Docker makes an
 * empty directory for a path that is not there), a read-only one is dropped (the container sees
 * what its image has there, as for {@code /etc/localtime}). A path that stands for the host itself
 * rather than for data (its root, devices, kernel, runtime sockets, Docker's own data, its logs),
 * which no volume stands in for, is left for the policy to refuse.</li>
 * <li>services in profiles are not run (no profile is active); {@code restart} becomes {@code "no"}
 * and {@code deploy.restart_policy} goes (review environments do not restart by themselves);
 * {@code version} is ignored.</li>
 * </ul>
 */
final class ComposeAdaptations {
    private static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");
    /**
     * Host paths that stand for the host itself rather than for data: what a mount of them asks
     * (devices, the kernel and its modules, the runtime's sockets, Docker's data, the host's logs)
     * no volume of the environment's can give, so the policy refuses them.
     */
    private static final List<Path> HOST_ITSELF = java.util.stream.Stream.of("/dev", "/proc", "/sys", "/run", "/var/run",
            "/lib/modules", "/usr/lib/modules", "/usr/src", "/boot", "/var/lib/docker", "/var/lib/containerd", "/var/log")
            .map(Path::of).toList();
    /** Mount options of a short volume entry that only matter to a host path or to SELinux. */
    private static final Set<String> DROPPED_FLAGS = Set.of("z", "Z", "cached", "delegated", "consistent");

    private final Path checkout;
    private final Set<PolicyRule> trusted;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> newVolumes = new LinkedHashMap<>();

    private ComposeAdaptations(Path checkout, Set<PolicyRule> trusted) {
        this.checkout = checkout;
        this.trusted = trusted;
    }

    /**
     * Adapts the resolved model {@code doc} in place (its checkout is {@code checkout}, a real path;
     * {@code written} is the branch's file as written) and returns what was done, one line each.
     */
    static List<String> adapt(Map<String, Object> doc, Map<String, Object> written, Path checkout, Set<PolicyRule> trusted) {
        ComposeAdaptations a = new ComposeAdaptations(checkout, trusted);
        if (written.containsKey("version") || doc.containsKey("version")) {
            a.notes.add("version: ignored (Compose reads every file by the same specification)");
        }
        doc.remove("version");
        a.profiles(doc);
        if (doc.get("services") instanceof Map<?, ?> services) {
            for (Map.Entry<?, ?> e : services.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> s) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> service = (Map<String, Object>) s;
                    a.service("services." + e.getKey(), service);
                }
            }
        }
        if (!a.newVolumes.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> volumes = doc.get("volumes") instanceof Map<?, ?> v ? (Map<String, Object>) v : new LinkedHashMap<>();
            volumes.putAll(a.newVolumes);
            doc.put("volumes", volumes);
        }
        return a.notes;
    }

    /** No profile is active in a review environment: v2 leaves such services out already, v1 lists them. */
    private void profiles(Map<String, Object> doc) {
        if (doc.get("services") instanceof Map<?, ?> all) {
            all.entrySet().removeIf(e -> {
                boolean profiled = e.getValue() instanceof Map<?, ?> s && s.get("profiles") instanceof List<?> l && !l.isEmpty();
                if (profiled) {
                    notes.add("services." + e.getKey() + " is not run: it is in profiles " + ((Map<?, ?>) e.getValue()).get("profiles")
                            + " and no profile is active in a review environment");
                }
                return profiled;
            });
        }
    }

    private void service(String at, Map<String, Object> s) {
        s.remove("profiles");
        Object restart = s.get("restart");
        if (restart != null && !"no".equals(String.valueOf(restart))) {
            notes.add(at + ".restart: '" + restart + "' rewritten to \"no\" (review environments do not restart by themselves)");
            s.put("restart", "no");
        }
        if (s.get("deploy") instanceof Map<?, ?> d && d.containsKey("restart_policy")) {
            d.remove("restart_policy");
            notes.add(at + ".deploy.restart_policy removed (review environments do not restart by themselves)");
        }
        if (s.get("ports") != null && !trusted.contains(PolicyRule.PORTS)) {
            ports(at, s);
        }
        if (s.get("container_name") != null && !trusted.contains(PolicyRule.CONTAINER_NAME)) {
            containerName(at, s);
        }
        if (s.get("volumes") instanceof List<?> volumes && !trusted.contains(PolicyRule.BIND_MOUNTS)) {
            List<Object> adapted = new ArrayList<>();
            for (int i = 0; i < volumes.size(); i++) {
                Object mount = mount(at + ".volumes[" + i + "]", volumes.get(i));
                if (mount != null) {
                    adapted.add(mount);
                }
            }
            s.put("volumes", adapted);
        }
    }

    /** Host ports publish nothing: their container ports join {@code expose}, in their order, after what it held. */
    private void ports(String at, Map<String, Object> s) {
        Set<String> expose = new LinkedHashSet<>();
        if (s.get("expose") instanceof List<?> l) {
            l.forEach(x -> expose.add(String.valueOf(x)));
        }
        List<String> unreadable = new ArrayList<>();
        if (s.get("ports") instanceof List<?> ports) {
            for (Object p : ports) {
                String container = containerPort(p);
                if (container == null) {
                    unreadable.add(String.valueOf(p));
                } else {
                    expose.add(container);
                }
            }
        }
        s.remove("ports");
        if (!expose.isEmpty()) {
            s.put("expose", new ArrayList<>(expose));
        }
        notes.add(at + ".ports: not published, routed through Traefik" + (unreadable.isEmpty() ? ""
                : " (no container port in " + unreadable + ")"));
    }

    /**
     * The container side of a port entry: {@code target} of the long form, or the last part of the
     * short form ({@code [ip:][host:]container[/proto]}), a port or a range.
     */
    static String containerPort(Object entry) {
        String spec;
        if (entry instanceof Map<?, ?> m) {
            if (m.get("target") == null) {
                return null;
            }
            spec = String.valueOf(m.get("target"));
        } else {
            spec = String.valueOf(entry).trim();
            int slash = spec.indexOf('/');
            if (slash >= 0) {
                spec = spec.substring(0, slash);
            }
            int colon = spec.lastIndexOf(':');
            spec = colon >= 0 ? spec.substring(colon + 1) : spec;
        }
        Matcher m = PORT_RANGE.matcher(spec.trim());
        return m.matches() ? spec.trim() : null;
    }

    /** A fixed container name becomes an alias on each of the service's networks of the environment's own. */
    private void containerName(String at, Map<String, Object> s) {
        String name = String.valueOf(s.remove("container_name"));
        if (s.get("network_mode") != null) {
            notes.add(at + ".container_name: dropped ('" + name + "' is not reachable as a name: the service shares the"
                    + " network of " + s.get("network_mode") + ")");
            return;
        }
        Map<String, Object> networks = EnvironmentNetworks.networksOf(s);
        for (Map.Entry<String, Object> n : networks.entrySet()) {
            Map<String, Object> attach = new LinkedHashMap<>();
            if (n.getValue() instanceof Map<?, ?> m) {
                m.forEach((k, v) -> attach.put(String.valueOf(k), v));
            }
            List<Object> aliases = new ArrayList<>();
            if (attach.get("aliases") instanceof List<?> l) {
                aliases.addAll(l);
            }
            if (!aliases.contains(name)) {
                aliases.add(name);
            }
            attach.put("aliases", aliases);
            n.setValue(attach);
        }
        s.put("networks", networks);
        notes.add(at + ".container_name: dropped; '" + name + "' is an alias of the service on " + networks.keySet()
                + " instead (a fixed name would clash between branches)");
    }

    /**
     * One entry of a service's {@code volumes}: a bind of the checkout read-only, a missing one a
     * volume, one of the host a volume or nothing (null), the rest as it was.
     */
    private Object mount(String at, Object entry) {
        String source;
        String target;
        boolean readOnly;
        Map<String, Object> longForm = null;
        if (entry instanceof Map<?, ?> m) {
            if (!"bind".equals(String.valueOf(m.get("type")).toLowerCase(Locale.ROOT)) || m.get("source") == null) {
                return entry;
            }
            longForm = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                longForm.put(String.valueOf(e.getKey()), e.getValue());
            }
            source = String.valueOf(m.get("source"));
            target = String.valueOf(m.get("target"));
            readOnly = Boolean.TRUE.equals(m.get("read_only")) || "true".equals(String.valueOf(m.get("read_only")));
        } else {
            String[] parts = String.valueOf(entry).split(":");
            if (parts.length < 2 || !parts[0].startsWith("/")) {
                return entry; // a named or anonymous volume, or a form the policy judges as written
            }
            source = parts[0];
            target = parts[1];
            Set<String> flags = parts.length > 2 ? Set.of(parts[2].split(",")) : Set.of();
            readOnly = flags.contains("ro");
        }
        Path sourcePath = Path.of(source);
        if (!sourcePath.isAbsolute()) {
            return entry; // not as Compose resolves it: the policy refuses it, naming why
        }
        if (!sourcePath.normalize().startsWith(checkout)) {
            return hostPath(at, source, target, readOnly, entry);
        }
        Path real = Beneath.resolve(checkout, sourcePath).orElse(null);
        if (real == null) {
            return entry; // in the checkout, but its links lead out: the policy refuses it, naming why
        }
        if (!Files.exists(real)) {
            String key = volumeKey(checkout.relativize(real).toString());
            Map<String, Object> volume = new LinkedHashMap<>();
            volume.put("type", "volume");
            volume.put("source", key);
            volume.put("target", target);
            newVolumes.putIfAbsent(key, new LinkedHashMap<>());
            notes.add(at + ": ./" + checkout.relativize(real) + " is not in the repository; " + target + " is a volume of the"
                    + " environment's own instead (" + key + ", kept across updates, removed with the environment)");
            return volume;
        }
        Map<String, Object> bind = new LinkedHashMap<>();
        bind.put("type", "bind");
        bind.put("source", real.toString());
        bind.put("target", target);
        bind.put("read_only", true);
        List<String> dropped = new ArrayList<>();
        if (longForm != null && longForm.get("bind") instanceof Map<?, ?> b) {
            // create_host_path is Compose v2's own default, not something the file asked for.
            b.forEach((k, v) -> {
                switch (String.valueOf(k)) {
                    case "create_host_path" -> { }
                    case "selinux" -> dropped.add(String.valueOf(v));
                    default -> dropped.add(k + " " + v);
                }
            });
        }
        if (longForm != null && longForm.get("consistency") != null) {
            dropped.add(String.valueOf(longForm.get("consistency")));
        }
        if (longForm == null) {
            String[] parts = String.valueOf(entry).split(":");
            if (parts.length > 2) {
                for (String f : parts[2].split(",")) {
                    if (DROPPED_FLAGS.contains(f)) {
                        dropped.add(f);
                    }
                }
            }
        }
        notes.add(at + ": ./" + checkout.relativize(real) + " is mounted read-only from the environment's checkout"
                + (readOnly ? "" : " (a branch never writes into it)")
                + (dropped.isEmpty() ? "" : "; " + String.join(", ", dropped) + " dropped (only a host path needs them)"));
        return bind;
    }

    /**
     * A bind of a path of the host: a volume of the environment's own in its place when writable,
     * nothing when read-only; as it was (for the policy to refuse) when the path stands for the host itself.
     */
    private Object hostPath(String at, String source, String target, boolean readOnly, Object entry) {
        Path path = Path.of(source).normalize();
        if (path.getNameCount() == 0 || source.endsWith(".sock") || HOST_ITSELF.stream().anyMatch(path::startsWith)) {
            return entry;
        }
        if (readOnly) {
            notes.add(at + ": " + path + " of the host is not mounted (a review environment never reads the host's files);"
                    + " " + target + " is what the image has there");
            return null;
        }
        String key = volumeKey("host" + path);
        Map<String, Object> volume = new LinkedHashMap<>();
        volume.put("type", "volume");
        volume.put("source", key);
        volume.put("target", target);
        newVolumes.putIfAbsent(key, new LinkedHashMap<>());
        notes.add(at + ": " + path + " of the host is not mounted (a review environment never writes the host's files); "
                + target + " is a volume of the environment's own instead (" + key + ": empty at first, as on a new host where"
                + " Docker makes an empty directory; kept across updates, removed with the environment)");
        return volume;
    }

    /** The key of the volume that stands for a bind source the repository does not have: readable, and one per path. */
    static String volumeKey(String relative) {
        String slug = relative.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        slug = slug.substring(0, Math.min(slug.length(), 40));
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(relative.getBytes(StandardCharsets.UTF_8))).substring(0, 6);
            return "bind-" + (slug.isEmpty() ? "root" : slug) + "-" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
