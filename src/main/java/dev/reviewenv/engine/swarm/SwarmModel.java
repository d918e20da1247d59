package dev.reviewenv.engine.swarm;

import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a rendered (policed, limited) model into what {@code docker stack deploy} runs as it is
 * meant, for {@code reviewenv.engine=swarm}. {@code docker stack deploy} skips what Swarm does not
 * run with a warning only; here each such key is refused instead, naming it and the fix, so a
 * branch never runs with a setting silently gone. What has a Swarm spelling is rewritten to it:
 * the limits move under {@code deploy.resources}, {@code scale} becomes {@code deploy.replicas},
 * {@code restart: "no"} becomes {@code deploy.restart_policy.condition: none}, built images are
 * named {@code <registry>/<name>-<service>:<commit>}. Every service is reached by its tasks'
 * addresses ({@code endpoint_mode: dnsrr}): Traefik balances between them itself, and a host
 * without IPVS (no virtual IPs) routes all the same.
 */
final class SwarmModel {
    /** The Compose file format {@code docker stack deploy} reads it as (3.9 has {@code pids} limits and {@code init}). */
    static final String VERSION = "3.9";

    /** Service keys a swarm does not run, each with what to do instead. */
    private static final Map<String, String> NOT_RUN = Map.ofEntries(
            Map.entry("container_name", "Swarm names a service's containers itself; remove it"),
            Map.entry("links", "Swarm has no links; remove them (services reach each other by service name)"),
            Map.entry("external_links", "Swarm has no links; remove them"),
            Map.entry("network_mode", "Swarm services join networks only; remove network_mode and use networks:"),
            Map.entry("volumes_from", "Swarm cannot share one container's volumes with another; mount the same named volume in both"),
            Map.entry("depends_on", "a swarm starts every service at once"), // dropped, or refused with a condition: dependsOn
            Map.entry("ipc", "Swarm does not run ipc; remove it"),
            Map.entry("pid", "Swarm does not run pid; remove it"),
            Map.entry("uts", "Swarm does not run uts; remove it"),
            Map.entry("userns_mode", "Swarm does not run userns_mode; remove it"),
            Map.entry("cgroup", "Swarm does not run cgroup; remove it"),
            Map.entry("cgroup_parent", "Swarm does not run cgroup_parent; remove it"),
            Map.entry("privileged", "Swarm does not run privileged containers; remove it"),
            Map.entry("devices", "Swarm does not pass host devices; remove devices"),
            Map.entry("device_cgroup_rules", "Swarm does not pass host devices; remove device_cgroup_rules"),
            Map.entry("gpus", "Swarm does not pass gpus this way; remove gpus"),
            Map.entry("blkio_config", "Swarm does not run blkio_config; remove it"),
            Map.entry("security_opt", "Swarm does not run security_opt; remove it"),
            Map.entry("ulimits", "Swarm on Docker 20.10 does not run ulimits; remove them"),
            Map.entry("shm_size", "Swarm does not run shm_size; mount a tmpfs at /dev/shm instead (tmpfs:)"),
            Map.entry("mac_address", "Swarm does not run mac_address; remove it"),
            Map.entry("platform", "Swarm picks nodes by placement; remove platform (or use deploy.placement.constraints)"),
            Map.entry("pull_policy", "Swarm pulls on every node as it needs; remove pull_policy"),
            Map.entry("pull_refresh_after", "Swarm pulls on every node as it needs; remove pull_refresh_after"),
            Map.entry("runtime", "Swarm does not run runtime; remove it"),
            Map.entry("isolation", "Swarm does not run isolation on Linux; remove it"),
            Map.entry("oom_score_adj", "Swarm does not run oom_score_adj; remove it"),
            Map.entry("oom_kill_disable", "Swarm does not run oom_kill_disable; remove it"),
            Map.entry("cpu_count", "Swarm limits CPUs with cpus only; remove cpu_count"),
            Map.entry("cpu_percent", "Swarm limits CPUs with cpus only; remove cpu_percent"),
            Map.entry("cpu_shares", "Swarm limits CPUs with cpus only; remove cpu_shares"),
            Map.entry("cpu_quota", "Swarm limits CPUs with cpus only; remove cpu_quota"),
            Map.entry("cpu_period", "Swarm limits CPUs with cpus only; remove cpu_period"),
            Map.entry("cpu_rt_period", "Swarm does not run cpu_rt_period; remove it"),
            Map.entry("cpu_rt_runtime", "Swarm does not run cpu_rt_runtime; remove it"),
            Map.entry("cpuset", "Swarm does not run cpuset; remove it"),
            Map.entry("mem_swappiness", "Swarm does not run mem_swappiness; remove it"),
            Map.entry("memswap_limit", "Swarm does not run memswap_limit; remove it"),
            Map.entry("storage_opt", "Swarm does not run storage_opt; remove it"),
            Map.entry("group_add", "Swarm on Docker 20.10 does not run group_add; remove it"),
            Map.entry("dns_opt", "Swarm does not run dns_opt; remove it"),
            Map.entry("annotations", "Swarm does not run annotations; use labels"),
            Map.entry("attach", "Swarm does not run attach; remove it"),
            Map.entry("label_file", "Swarm does not read label_file; write the labels under labels:"),
            Map.entry("ports", "a swarm publishes ports on every node (the routing mesh); review environments are reached"
                    + " through Traefik: write the port under expose: instead"));

    private SwarmModel() {
    }

    /**
     * Rewrites {@code doc} (the rendered model of {@code name} at {@code commit}) for a swarm, in place.
     * {@code registry} is where built images go (empty: building is refused); {@code stopTimeout}
     * is the longest a container may take to stop. Returns what was rewritten; throws
     * {@link ComposeFileException} naming every key a swarm would not run.
     */
    public static List<String> adapt(String file, Map<String, Object> doc, EnvironmentName name, String commit,
            Optional<String> registry, Duration stopTimeout) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Object> services = map(doc.get("services"));
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            String at = "services." + entry.getKey();
            Map<String, Object> s = map(entry.getValue());
            service(at, entry.getKey(), s, name, commit, registry, stopTimeout, problems, notes);
        }
        Map<String, Object> networks = map(doc.get("networks"));
        for (Map.Entry<String, Object> e : networks.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> n && n.get("driver") != null && !"overlay".equals(String.valueOf(n.get("driver")))
                    && !Boolean.TRUE.equals(n.get("external"))) {
                problems.add("networks." + e.getKey() + ".driver: '" + n.get("driver") + "' does not span the nodes of a swarm;"
                        + " remove driver (a swarm's networks are overlay)");
            }
        }
        for (Map.Entry<String, Object> e : networks.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> n && !Boolean.TRUE.equals(n.get("external"))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> def = (Map<String, Object>) n;
                // A swarm's networks are overlays, whose bridges are not the host's; the routing network is
                // attachable, so that Traefik's container can join it.
                def.remove("driver_opts");
                if (e.getKey().equals(EnvironmentNames.ROUTING_NETWORK_KEY)) {
                    def.put("driver", "overlay");
                    def.put("attachable", true);
                }
            }
        }
        Map<String, Object> volumes = map(doc.get("volumes"));
        for (Map.Entry<String, Object> e : volumes.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> v && v.get("driver") != null && !"local".equals(String.valueOf(v.get("driver")))) {
                problems.add("volumes." + e.getKey() + ".driver: '" + v.get("driver") + "' would have to be on every node;"
                        + " remove driver");
            }
        }
        if (!problems.isEmpty()) {
            throw new ComposeFileException(file + " (on a swarm)", problems);
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        ordered.put("version", VERSION);
        ordered.putAll(doc);
        doc.clear();
        doc.putAll(ordered);
        return notes;
    }

    private static void service(String at, String service, Map<String, Object> s, EnvironmentName name, String commit,
            Optional<String> registry, Duration stopTimeout, List<String> problems, List<String> notes) {
        s.values().removeIf(java.util.Objects::isNull); // Compose writes "entrypoint": null; the stack format refuses it
        for (String key : List.copyOf(s.keySet())) {
            Object v = s.get(key);
            if (v == null || !NOT_RUN.containsKey(key) || empty(v)) {
                continue;
            }
            if (key.equals("depends_on")) {
                dependsOn(at, s, v, problems, notes);
            } else if (key.equals("privileged") && !truthy(v) || key.equals("oom_kill_disable") && !truthy(v)) {
                s.remove(key);
            } else {
                problems.add(at + "." + key + ": " + NOT_RUN.get(key));
            }
        }
        if (s.get("build") != null) {
            if (registry.isEmpty()) {
                problems.add(at + ".build: the nodes of a swarm pull every image from a registry, and none is set;"
                        + " the operator sets reviewenv.swarm.registry (built images are pushed there), or use an image: here");
            } else {
                s.put("image", registry.get() + "/" + EnvironmentNames.builtImage(name, service, commit));
            }
        }
        for (Map.Entry<String, Object> mount : mounts(s)) {
            problems.add(at + ".volumes: '" + mount.getKey() + "' is a path of the manager (" + mount.getValue()
                    + "); a swarm runs the service on any node, where it is not: use a named volume, or build the files"
                    + " into the image");
        }
        Map<String, Object> deploy = map(s.computeIfAbsent("deploy", k -> new LinkedHashMap<>()));
        if (deploy.get("mode") != null && !"replicated".equals(String.valueOf(deploy.get("mode")))) {
            problems.add(at + ".deploy.mode: '" + deploy.get("mode") + "' runs on every node; review environments run"
                    + " replicated services: remove mode");
        }
        Object scale = s.remove("scale");
        if (scale != null) {
            deploy.putIfAbsent("replicas", scale);
            notes.add(at + ".scale: became deploy.replicas " + scale);
        }
        deploy.put("endpoint_mode", "dnsrr");
        deploy.put("labels", Labels.withEnvironment(deploy.get("labels"), name));
        Object restart = s.remove("restart");
        if (restart != null && !"no".equals(String.valueOf(restart))) {
            notes.add(at + ".restart: '" + restart + "' dropped (review environments do not restart by themselves)");
        }
        deploy.put("restart_policy", new LinkedHashMap<>(Map.of("condition", "none")));
        Map<String, Object> resources = map(deploy.computeIfAbsent("resources", k -> new LinkedHashMap<>()));
        Map<String, Object> limits = map(resources.computeIfAbsent("limits", k -> new LinkedHashMap<>()));
        Object memory = s.remove("mem_limit");
        Object cpus = s.remove("cpus");
        Object pids = s.remove("pids_limit");
        if (memory != null) {
            limits.put("memory", String.valueOf(memory));
        }
        if (cpus != null) {
            limits.put("cpus", String.valueOf(cpus));
        }
        if (pids != null) {
            limits.put("pids", pids instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(pids)));
        }
        // A reservation holds a node's capacity from every other environment: none is passed on.
        Object reservation = s.remove("mem_reservation");
        Object reservations = resources.remove("reservations");
        if (reservation != null || reservations != null) {
            notes.add(at + ": reservations dropped (on a shared swarm they would hold node capacity from other environments;"
                    + " the limits stay)");
        }
        Duration grace = s.get("stop_grace_period") == null ? null : goDuration(String.valueOf(s.get("stop_grace_period")));
        if (grace == null || grace.compareTo(stopTimeout) > 0) {
            s.put("stop_grace_period", stopTimeout.toSeconds() + "s");
        }
    }

    /**
     * {@code depends_on} only orders the start on one host; a swarm starts every service at once. A plain
     * dependency is dropped (noted); one that waits for health or success is refused, as a swarm would not wait.
     */
    private static void dependsOn(String at, Map<String, Object> s, Object v, List<String> problems, List<String> notes) {
        if (v instanceof Map<?, ?> deps) {
            for (Map.Entry<?, ?> d : deps.entrySet()) {
                Object condition = d.getValue() instanceof Map<?, ?> m ? m.get("condition") : null;
                if (condition != null && !"service_started".equals(String.valueOf(condition))) {
                    problems.add(at + ".depends_on." + d.getKey() + ".condition: a swarm starts every service at once and does"
                            + " not wait for '" + condition + "'; make the service wait for its dependency itself (retry on"
                            + " start), then remove the condition");
                }
            }
        }
        s.remove("depends_on");
        notes.add(at + ".depends_on: dropped (a swarm starts every service at once)");
    }

    /** The bind mounts of a service: source path to target. */
    private static List<Map.Entry<String, Object>> mounts(Map<String, Object> s) {
        List<Map.Entry<String, Object>> binds = new ArrayList<>();
        if (s.get("volumes") instanceof List<?> list) {
            for (Object m : list) {
                if (m instanceof Map<?, ?> mount && "bind".equals(String.valueOf(mount.get("type")))) {
                    binds.add(Map.entry(String.valueOf(mount.get("source")), mount.get("target")));
                } else if (m instanceof String short1 && (short1.startsWith("/") || short1.startsWith("."))) {
                    binds.add(Map.entry(short1.split(":")[0], short1));
                }
            }
        }
        return binds;
    }

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|ns)");

    /** A Go duration as Compose writes it ({@code 1m30s}, {@code 10s}); null when it is not one. */
    static Duration goDuration(String text) {
        Matcher m = GO_DURATION.matcher(text.strip());
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            end = m.end();
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "h" -> 3.6e12;
                case "m" -> 6e10;
                case "s" -> 1e9;
                case "ms" -> 1e6;
                case "us", "µs" -> 1e3;
                default -> 1;
            };
        }
        return end == 0 || end != text.strip().length() ? null : Duration.ofNanos((long) nanos);
    }

    private static boolean truthy(Object v) {
        return Boolean.TRUE.equals(v) || "true".equalsIgnoreCase(String.valueOf(v));
    }

    private static boolean empty(Object v) {
        return v instanceof Map<?, ?> m && m.isEmpty() || v instanceof List<?> l && l.isEmpty() || "".equals(v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v) {
        return v instanceof Map<?, ?> ? (Map<String, Object>) v : new LinkedHashMap<>();
    }
}
