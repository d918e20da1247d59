package dev.reviewenv.deploy;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A deploy touches only what is its own. Before anything changes: no compose project of the same
 * name that reviewenv did not make, no image of the build's name that is not this environment's,
 * and no name on the shared network that another environment's route uses. After {@code up},
 * before the route: the shared network itself is asked who answers to which name.
 */
@Singleton
public class Ownership {
    private final DockerEngine docker;
    private final StackEngine engine;
    private final RecordStore records;
    private final ReviewenvConfig config;

    public Ownership(DockerEngine docker, StackEngine engine, RecordStore records, ReviewenvConfig config) {
        this.docker = docker;
        this.engine = engine;
        this.records = records;
        this.config = config;
    }

    /** Throws {@link DeployRefused} when the deploy would reach into what is someone else's. */
    public void beforeDeploy(EnvironmentName name, boolean recorded, ComposeRenderer.Rendered rendered) {
        List<String> foreign = engine.foreign(name, recorded);
        if (!foreign.isEmpty()) {
            throw new DeployRefused("a " + (engine.kind().equals("swarm") ? "stack" : "compose project") + " named " + name
                    + " that reviewenv did not make is on this host ("
                    + String.join(", ", foreign) + "); reviewenv never deploys into it. Rename the branch, set a prefix"
                    + " for the repository (reviewenv.repositories.<repo>.prefix), or remove that project");
        }
        if (rendered.document().get("services") instanceof Map<?, ?> services) {
            services.forEach((service, def) -> {
                if (def instanceof Map<?, ?> d && d.get("build") != null) {
                    String image = String.valueOf(d.get("image"));
                    if (docker.imageExists(image) && !docker.imageEnvironment(image).map(name.value()::equals).orElse(false)) {
                        throw new DeployRefused("image " + image + " is on this host and was not built for " + name
                                + "; reviewenv never replaces it. Remove or rename that image, or rename the branch");
                    }
                }
            });
        }
        for (EnvironmentRecord other : records.list()) {
            if (!other.name().equals(name.value()) && other.service() != null) {
                EnvironmentName theirs = other.environmentName();
                collision(name, rendered.service(), theirs, other.service()).ifPresentOrElse(n -> {
                    throw new DeployRefused(refusal(name, rendered.service(), n, theirs, other.service()));
                }, () -> { });
            }
        }
    }

    /** Throws when, on the shared network, another container answers to this route's names or this one to another's. */
    public void onSharedNetwork(EnvironmentName name, String service) {
        Set<String> mine = upstreams(name, service);
        Map<String, Set<String>> others = new java.util.HashMap<>();
        for (EnvironmentRecord r : records.list()) {
            if (!r.name().equals(name.value()) && r.service() != null) {
                others.put(r.name(), upstreams(r.environmentName(), r.service()));
            }
        }
        List<String> conflicts = new ArrayList<>();
        for (DockerEngine.Endpoint e : docker.endpoints(config.network())) {
            if (!name.value().equals(e.environment())) {
                e.names().stream().filter(mine::contains).forEach(n -> conflicts.add(n + " is also a name of container "
                        + e.container().substring(0, 12) + (e.environment() == null ? " (not reviewenv's)" : " of " + e.environment())));
            } else {
                others.forEach((other, theirs) -> e.names().stream().filter(theirs::contains)
                        .forEach(n -> conflicts.add(n + " is the upstream of environment " + other)));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException("the routed service of " + name + " cannot be told apart on the shared network "
                    + config.network() + ": " + String.join("; ", conflicts)
                    + ". Rename the service (or route another with x-reviewenv.service), or rename the branch");
        }
    }

    /** The names Traefik reaches an environment's routed service by. */
    static Set<String> upstreams(EnvironmentName name, String service) {
        Set<String> names = new LinkedHashSet<>();
        names.add(name.value() + "-" + service);
        names.add(EnvironmentNames.upstreamHost(name, service));
        return names;
    }

    /**
     * Whether a routed container of {@code name}/{@code service} answers to {@code candidate} on the
     * shared network: its aliases, its service name (Compose adds it), or a container name
     * ({@code <name>-<service>-<n>} in v2, {@code <name>_<service>_<n>} in v1).
     */
    static boolean answersTo(EnvironmentName name, String service, String candidate) {
        return upstreams(name, service).contains(candidate) || candidate.equals(service)
                || Pattern.matches(Pattern.quote(name.value()) + "[-_]" + Pattern.quote(service) + "[-_][0-9]+", candidate);
    }

    /** A name one route uses that the other's container would also answer to, if any. */
    static java.util.Optional<String> collision(EnvironmentName a, String aService, EnvironmentName b, String bService) {
        for (String up : upstreams(b, bService)) {
            if (answersTo(a, aService, up)) {
                return java.util.Optional.of(up);
            }
        }
        for (String up : upstreams(a, aService)) {
            if (answersTo(b, bService, up)) {
                return java.util.Optional.of(up);
            }
        }
        return java.util.Optional.empty();
    }

    private static String refusal(EnvironmentName name, String service, String clash, EnvironmentName other, String otherService) {
        return "service " + service + " of " + name + " and service " + otherService + " of environment " + other
                + " would both answer to " + clash + " on the shared network, and one would get the other's traffic;"
                + " rename the service (or route another with x-reviewenv.service), or rename the branch";
    }
}
