package dev.reviewenv.deploy;

import dev.reviewenv.config.Bounds;
import dev.reviewenv.config.ByteSize;
import dev.reviewenv.config.Limits;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.stack.StackObjects;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts every service of a resolved model under the repository's {@link Limits}: memory
 * ({@code mem_limit}), CPUs ({@code cpus}) and processes ({@code pids_limit}). A service that asks
 * for less keeps what it asks for; one that asks for more, or for no limit, is refused with the
 * limit and who can raise it. Limits written under {@code deploy.resources.limits} count as asked
 * and move to the service keys, which both Compose v1 and v2 apply outside a swarm.
 */
final class ResourceLimits {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,6})?)\\s*([kmgt]?)i?b?");

    private ResourceLimits() {
    }

    /**
     * Applies {@code limits} to {@code doc} in place; {@code raiseKey} is the configuration key
     * that would raise them (named in refusals). Returns one line per service saying what it got.
     */
    static List<String> apply(String file, Map<String, Object> doc, Limits limits, String raiseKey) {
        List<String> problems = new ArrayList<>();
        List<String> applied = new ArrayList<>();
        if (!(doc.get("services") instanceof Map<?, ?> services)) {
            return applied;
        }
        for (Map.Entry<?, ?> e : services.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> def) {
                @SuppressWarnings("unchecked")
                Map<String, Object> service = (Map<String, Object>) def;
                applied.add(limit("services." + e.getKey(), service, limits, raiseKey, problems));
            }
        }
        if (!problems.isEmpty()) {
            throw new ComposeFileException(file, problems);
        }
        return applied;
    }

    /**
     * Bounds the environment as a whole: at most {@code bounds.containers()} containers (services
     * times {@code scale} or {@code deploy.replicas}), and every container's log rotated (json-file,
     * {@code bounds.logFiles()} files of {@code bounds.logBytes()}; a file may ask for smaller ones, or
     * {@code local}, or none). Returns what was done, one line.
     */
    static List<String> bound(String file, Map<String, Object> doc, Bounds bounds, String raiseKey) {
        if (!(doc.get("services") instanceof Map<?, ?> services)) {
            return List.of();
        }
        Map<String, Integer> replicas = StackObjects.replicas(doc);
        int total = replicas.values().stream().mapToInt(n -> Math.max(n, 0)).sum();
        if (total > bounds.containers()) {
            StringBuilder each = new StringBuilder();
            replicas.forEach((service, n) -> each.append(each.length() == 0 ? "" : ", ").append(service).append(" × ").append(n));
            throw new ComposeFileException(file, List.of("services: " + total + " containers (" + each + ") are more than a"
                    + " review environment may run (" + bounds.containers() + "); lower scale or deploy.replicas, or an operator"
                    + " raises " + raiseKey + ".containers"));
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<?, ?> e : services.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> def) {
                @SuppressWarnings("unchecked")
                Map<String, Object> service = (Map<String, Object>) def;
                rotateLogs("services." + e.getKey(), service, bounds, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new ComposeFileException(file, problems);
        }
        return List.of(total + " container" + (total == 1 ? "" : "s") + " of at most " + bounds.containers() + "; logs rotated at "
                + bounds.logSizeText() + " × " + bounds.logFiles() + " files per container");
    }

    /** A service's log: json-file unless it asks for local or none, never more than the bounds. */
    private static void rotateLogs(String at, Map<String, Object> service, Bounds bounds, List<String> problems) {
        Map<String, Object> logging = new LinkedHashMap<>();
        if (service.get("logging") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> logging.put(String.valueOf(k), v));
        }
        String driver = logging.get("driver") == null ? "json-file" : String.valueOf(logging.get("driver"));
        if (!driver.equals("json-file") && !driver.equals("local")) {
            return; // none keeps nothing; another driver is a trusted repository's (logging), and keeps nothing here
        }
        Map<String, Object> options = new LinkedHashMap<>();
        if (logging.get("options") instanceof Map<?, ?> o) {
            o.forEach((k, v) -> options.put(String.valueOf(k), v));
        }
        Object size = options.get("max-size");
        if (size == null || bytes(size) <= 0 || bytes(size) > bounds.logBytes()) {
            options.put("max-size", bounds.logSizeText());
        }
        Object files = options.get("max-file");
        int n;
        try {
            n = files == null ? Integer.MAX_VALUE : Integer.parseInt(String.valueOf(files).trim());
        } catch (NumberFormatException e) {
            problems.add(at + ".logging.options.max-file: '" + files + "' is not a number of files; write e.g. \"3\"");
            return;
        }
        if (n < 1 || n > bounds.logFiles()) {
            options.put("max-file", Integer.toString(bounds.logFiles()));
        } else {
            options.put("max-file", Integer.toString(n));
        }
        logging.put("driver", driver);
        logging.put("options", options);
        service.put("logging", logging);
    }

    private static String limit(String at, Map<String, Object> service, Limits limits, String raiseKey, List<String> problems) {
        Map<String, Object> deployLimits = deployLimits(service);
        long memory = limits.memory();
        for (Asked asked : List.of(new Asked("mem_limit", service.remove("mem_limit")),
                new Asked("deploy.resources.limits.memory", deployLimits == null ? null : deployLimits.remove("memory")))) {
            if (asked.value() != null) {
                long bytes = bytes(asked.value());
                if (bytes <= 0 || bytes > limits.memory()) {
                    problems.add(at + "." + asked.key() + ": " + asked.value() + " is more memory than a review service may have ("
                            + limits.memoryText() + "); ask for at most " + limits.memoryText() + ", or an operator raises "
                            + raiseKey + ".memory");
                } else {
                    memory = Math.min(memory, bytes);
                }
            }
        }
        double cpus = limits.cpus();
        for (Asked asked : List.of(new Asked("cpus", service.remove("cpus")),
                new Asked("deploy.resources.limits.cpus", deployLimits == null ? null : deployLimits.remove("cpus")))) {
            if (asked.value() != null) {
                double n = number(asked.value());
                if (!(n > 0) || n > limits.cpus()) {
                    problems.add(at + "." + asked.key() + ": " + asked.value() + " is more CPU than a review service may have ("
                            + limits.cpusText() + "); ask for at most " + limits.cpusText() + ", or an operator raises "
                            + raiseKey + ".cpus");
                } else {
                    cpus = Math.min(cpus, n);
                }
            }
        }
        long pids = limits.pids();
        for (Asked asked : List.of(new Asked("pids_limit", service.remove("pids_limit")),
                new Asked("deploy.resources.limits.pids", deployLimits == null ? null : deployLimits.remove("pids")))) {
            if (asked.value() != null) {
                double n = number(asked.value());
                if (!(n >= 1) || n > limits.pids()) {
                    problems.add(at + "." + asked.key() + ": " + asked.value()
                            + " is more processes than a review service may have (" + limits.pids()
                            + "; 0 and -1 mean no limit); ask for at most " + limits.pids() + ", or an operator raises "
                            + raiseKey + ".pids");
                } else {
                    pids = Math.min(pids, (long) n);
                }
            }
        }
        for (String key : List.of("cpu_quota", "cpu_period", "cpu_count", "cpu_percent")) {
            if (service.get(key) != null) {
                problems.add(at + "." + key + ": reviewenv limits CPU with cpus; write cpus: 0.5 (at most "
                        + limits.cpusText() + ") instead");
            }
        }
        if (service.get("mem_reservation") != null && bytes(service.get("mem_reservation")) > memory) {
            problems.add(at + ".mem_reservation: " + service.get("mem_reservation") + " is more than the service's memory limit ("
                    + new ByteSize(memory) + "); reserve less");
        }
        Object swap = service.get("memswap_limit");
        if (swap != null) {
            long swapBytes = bytes(swap);
            if (swapBytes < memory || swapBytes > 2 * memory) {
                problems.add(at + ".memswap_limit: " + swap + " must lie between the memory limit (" + new ByteSize(memory)
                        + ") and twice it; remove it to get Docker's default");
            }
        }
        if (deployLimits != null && deployLimits.isEmpty()) {
            removeEmptyLimits(service);
        }
        service.put("mem_limit", memory);
        service.put("cpus", cpus);
        service.put("pids_limit", pids);
        return at + ": memory " + new ByteSize(memory) + ", cpus " + Limits.cpusText(cpus)
                + ", pids " + pids;
    }

    private record Asked(String key, Object value) {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deployLimits(Map<String, Object> service) {
        if (service.get("deploy") instanceof Map<?, ?> deploy && deploy.get("resources") instanceof Map<?, ?> resources
                && resources.get("limits") instanceof Map<?, ?> limits) {
            return (Map<String, Object>) limits;
        }
        return null;
    }

    private static void removeEmptyLimits(Map<String, Object> service) {
        @SuppressWarnings("unchecked")
        Map<String, Object> resources = (Map<String, Object>) ((Map<?, ?>) service.get("deploy")).get("resources");
        resources.remove("limits");
    }

    /** A size as Compose files write it ({@code 512m}, {@code 1.5g}, {@code 536870912}); -1 when it is none. */
    static long bytes(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        Matcher m = SIZE.matcher(String.valueOf(value).strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        int shift = ByteSize.shift(m.group(2));
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift));
        return bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : bytes.longValue();
    }

    private static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
