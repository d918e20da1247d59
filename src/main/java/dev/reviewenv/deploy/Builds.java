package dev.reviewenv.deploy;

import dev.reviewenv.config.Limits;
import dev.reviewenv.engine.build.BuildSpec;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.naming.EnvironmentName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The images a rendered compose file builds, as {@link BuildSpec}s for reviewenv's sandbox: each
 * {@code build:} option Compose knows, translated to what buildah does with it, or said to be
 * ignored (what only matters to BuildKit's cache and attestations). Paths were proven inside the
 * checkout by the policy before; they are taken from the resolved model, where Compose made them
 * absolute.
 */
final class Builds {
    private Builds() {
    }

    static List<BuildSpec> of(String file, Map<String, Object> doc, EnvironmentName name, String repository, Path checkout,
            Limits limits, List<String> notes) {
        List<String> problems = new ArrayList<>();
        List<BuildSpec> specs = new ArrayList<>();
        Map<?, ?> topSecrets = doc.get("secrets") instanceof Map<?, ?> m ? m : Map.of();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((k, v) -> {
                if (v instanceof Map<?, ?> s && s.get("build") instanceof Map<?, ?> b) {
                    String service = String.valueOf(k);
                    spec(file, service, s, b, topSecrets, name, repository, checkout, limits, notes, problems).ifPresent(specs::add);
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new ComposeFileException(file, problems);
        }
        return specs;
    }

    private static Optional<BuildSpec> spec(String file, String service, Map<?, ?> s, Map<?, ?> b, Map<?, ?> topSecrets,
            EnvironmentName name, String repository, Path checkout, Limits limits, List<String> notes, List<String> problems) {
        String at = "services." + service + ".build";
        String context = b.get("context") == null ? checkout.toString() : String.valueOf(b.get("context"));
        boolean remote = context.startsWith("https://") || context.startsWith("http://");
        Path contextDir = remote ? null : checkout.resolve(context).normalize();
        Optional<Path> dockerfile = Optional.empty();
        Optional<String> inline = Optional.ofNullable(b.get("dockerfile_inline")).map(String::valueOf);
        if (inline.isEmpty() && b.get("dockerfile") != null) {
            String df = String.valueOf(b.get("dockerfile"));
            if (remote) {
                if (!df.equals("Dockerfile")) {
                    problems.add(at + ".dockerfile: a Dockerfile other than the context's own cannot be named for a context"
                            + " fetched from a URL; remove dockerfile, or build from the repository");
                }
            } else {
                dockerfile = Optional.of(contextDir.resolve(df).normalize());
            }
        }
        Map<String, String> args = new LinkedHashMap<>();
        entries(b.get("args")).forEach((key, value) -> {
            if (!dev.reviewenv.config.Variables.NAME.matcher(key).matches() || Set.of("PATH", "HOME", "TMPDIR", "IFS").contains(key)) {
                problems.add(at + ".args." + key + ": not a build argument name reviewenv's builder takes (letters, digits and"
                        + " '_'; not PATH, HOME, TMPDIR or IFS); rename it");
            } else if (value != null) {
                args.put(key, value);
            }
        });
        Map<String, String> labels = new LinkedHashMap<>(entries(b.get("labels")));
        List<String> hosts = new ArrayList<>();
        for (Object h : list(b.get("extra_hosts"))) {
            String e = String.valueOf(h);
            int eq = e.indexOf('=');
            hosts.add(eq > 0 ? e.substring(0, eq) + ":" + e.substring(eq + 1) : e);
        }
        if (b.get("extra_hosts") instanceof Map<?, ?> m) {
            hosts.clear();
            m.forEach((host, ip) -> hosts.add(host + ":" + ip));
        }
        List<String> ulimits = new ArrayList<>();
        if (b.get("ulimits") instanceof Map<?, ?> u) {
            u.forEach((k, v) -> {
                if (v instanceof Map<?, ?> sh) {
                    ulimits.add(k + "=" + sh.get("soft") + ":" + sh.get("hard"));
                } else {
                    ulimits.add(k + "=" + v + ":" + v);
                }
            });
        }
        Map<String, Path> secrets = new LinkedHashMap<>();
        for (Object ref : list(b.get("secrets"))) {
            String id = ref instanceof Map<?, ?> r ? String.valueOf(r.get("source")) : String.valueOf(ref);
            Object def = topSecrets.get(id);
            if (def instanceof Map<?, ?> d && d.get("file") != null) {
                secrets.put(id, checkout.resolve(String.valueOf(d.get("file"))).normalize());
            } else {
                problems.add(at + ".secrets: '" + id + "' is not a secret with a file: of the repository in the top-level"
                        + " secrets; define it there (secrets: {" + id + ": {file: ./path}})");
            }
        }
        Map<String, String> contexts = new LinkedHashMap<>();
        entries(b.get("additional_contexts")).forEach((n, c) -> {
            if (c == null) {
                return;
            }
            if (c.startsWith("service:")) {
                problems.add(at + ".additional_contexts." + n + ": '" + c + "' (another service's image) is not supported by"
                        + " reviewenv's builder; use a stage of the Dockerfile instead (FROM ... AS " + n + ")");
            } else if (c.startsWith("docker-image://") || c.startsWith("https://") || c.startsWith("http://")) {
                contexts.put(n, c);
            } else {
                contexts.put(n, checkout.resolve(c).normalize().toString());
            }
        });
        for (String ignored : List.of("cache_from", "provenance", "sbom", "platforms")) {
            if (b.get(ignored) != null) {
                notes.add(at + "." + ignored + ": ignored (reviewenv's builder " + (ignored.equals("platforms")
                        ? "builds for this host's platform" : "keeps a cache of its own per repository") + ")");
            }
        }
        String network = b.get("network") == null ? "default" : String.valueOf(b.get("network")).toLowerCase(Locale.ROOT);
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new BuildSpec(name, service, repository, String.valueOf(s.get("image")), checkout,
                remote ? context : contextDir.toString(), dockerfile, inline, args, Optional.ofNullable(b.get("target")).map(String::valueOf),
                labels, truthy(b.get("no_cache")), truthy(b.get("pull")),
                Optional.ofNullable(b.get("shm_size")).map(String::valueOf), hosts, ulimits, network.equals("none"), contexts,
                secrets, limits));
    }

    /** A mapping, or a list of {@code KEY=VALUE} (a {@code KEY} alone has no value). */
    private static Map<String, String> entries(Object v) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> out.put(String.valueOf(k), x == null ? null : String.valueOf(x)));
        } else if (v instanceof List<?> l) {
            for (Object item : l) {
                String e = String.valueOf(item);
                int eq = e.indexOf('=');
                out.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? null : e.substring(eq + 1));
            }
        }
        return out;
    }

    private static List<?> list(Object v) {
        return v instanceof List<?> l ? l : List.of();
    }

    private static boolean truthy(Object o) {
        return Boolean.TRUE.equals(o) || "true".equalsIgnoreCase(String.valueOf(o).trim());
    }
}
