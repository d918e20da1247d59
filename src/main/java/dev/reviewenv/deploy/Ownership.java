package dev.reviewenv.deploy;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.build.Sandbox;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.record.ImageLedger;
import dev.reviewenv.engine.stack.Endpoints;
import dev.reviewenv.engine.stack.Images;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.naming.EnvironmentName;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A deploy touches only what is its own. At admission, the images a file runs: never another
 * environment's build (by tag or by id), and a pull never moves a tag reviewenv does not own.
 * Before anything changes: every name the deploy will create or write (containers, networks,
 * volumes, image tags, the route file) is free or the environment's. After {@code up}, before the
 * route: nothing else on the shared network answers to the new route's name.
 */
@Singleton
public class Ownership {
    /** Pull policies that would pull an image that is already on the host. */
    private static final Set<String> PULLING = Set.of("always", "daily", "weekly", "refresh");

    private final Images images;
    private final Endpoints endpoints;
    private final Sandbox sandbox;
    private final StackEngine engine;
    private final RouteFiles routes;
    private final ImageLedger ledger;
    private final ReviewenvConfig config;

    public Ownership(Images images, Endpoints endpoints, Sandbox sandbox, StackEngine engine, RouteFiles routes, ImageLedger ledger,
            ReviewenvConfig config) {
        this.images = images;
        this.endpoints = endpoints;
        this.sandbox = sandbox;
        this.engine = engine;
        this.routes = routes;
        this.ledger = ledger;
        this.config = config;
    }

    /**
     * Judges the images the rendered file runs without building them, and rewrites what would move
     * a tag that is not reviewenv's; returns what was rewritten. Throws naming each service that
     * would run another environment's build.
     */
    public List<String> images(String file, Map<String, Object> doc, EnvironmentName name) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> pulled = ledger.pulled();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((k, v) -> {
                if (!(v instanceof Map<?, ?> s) || s.get("build") != null || s.get("image") == null) {
                    return;
                }
                String at = "services." + k;
                String image = String.valueOf(s.get("image"));
                images.environmentOf(image).filter(owner -> !owner.equals(name.value())).ifPresent(owner -> problems.add(at
                        + ".image: '" + image + "' was built for the environment " + owner + "; an environment runs its own"
                        + " builds and images from a registry, never another's. Add a build: section, or push the image to a"
                        + " registry"));
                String policy = s.get("pull_policy") == null ? null : String.valueOf(s.get("pull_policy")).toLowerCase(Locale.ROOT);
                if (policy != null && (PULLING.contains(policy) || policy.startsWith("every_")) && images.exists(image)
                        && !pulled.contains(normal(image))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> writable = (Map<String, Object>) s;
                    writable.put("pull_policy", "if_not_present");
                    notes.add(at + ".pull_policy: '" + policy + "' rewritten to if_not_present: " + image + " was on this host before"
                            + " reviewenv, and a branch never moves a tag that is not reviewenv's");
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new ComposeFileException(file, problems);
        }
        return notes;
    }

    /**
     * Throws {@link DeployRefused} naming everything the deploy would create or write under a name
     * that exists and is not the environment's: someone else's compose project of the name, its
     * containers, networks and volumes, image tags, the build network, the route file.
     */
    public void beforeDeploy(EnvironmentName name, boolean recorded, ComposeRenderer.Rendered rendered) {
        List<String> foreign = engine.foreign(name, recorded);
        if (!foreign.isEmpty()) {
            throw new DeployRefused("a " + engine.projectNoun() + " named " + name + " that reviewenv did not make is on this host ("
                    + String.join(", ", foreign) + "); reviewenv never deploys into it. Rename the branch, set a prefix"
                    + " for the repository (reviewenv.repositories.<repo>.prefix), or remove that project");
        }
        List<String> strangers = strangers(name, recorded, rendered.document());
        if (!strangers.isEmpty()) {
            throw new DeployRefused("names this deploy of " + name + " would create or write are taken by what is not its own: "
                    + String.join(", ", strangers) + "; reviewenv never uses, changes or removes them. Remove or rename them,"
                    + " rename the branch, or set a prefix for the repository (reviewenv.repositories.<repo>.prefix)");
        }
    }

    /** What the file would create or write under a name that is there and not the environment's, one line each. */
    public List<String> strangers(EnvironmentName name, boolean recorded, Map<String, Object> doc) {
        List<String> found = new ArrayList<>(engine.strangers(name, doc, recorded));
        boolean builds = false;
        if (doc.get("services") instanceof Map<?, ?> services) {
            for (Object def : services.values()) {
                if (def instanceof Map<?, ?> d && d.get("build") != null) {
                    builds = true;
                    String image = String.valueOf(d.get("image"));
                    if (images.exists(image) && !images.environmentOf(image).map(name.value()::equals).orElse(false)) {
                        found.add("image " + image + " (not built for " + name + ")");
                    }
                }
            }
        }
        if (builds) {
            sandbox.networkTaken(name).ifPresent(found::add);
        }
        if (routes.owner(name) == RouteFiles.Owner.UNMARKED && !recorded) {
            found.add("route file " + routes.file(name) + " (not written by reviewenv)");
        }
        return found;
    }

    /** Throws when, on the shared network, another container answers to the name this route reaches its service by. */
    public void onSharedNetwork(EnvironmentName name, String upstream) {
        List<String> conflicts = new ArrayList<>();
        for (Endpoints.Endpoint e : endpoints.on(config.network())) {
            if (!name.value().equals(e.environment()) && e.names().contains(upstream)) {
                conflicts.add(upstream + " is also a name of container " + e.container().substring(0, 12)
                        + (e.environment() == null ? " (not reviewenv's)" : " of " + e.environment()));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException("the routed service of " + name + " cannot be told apart by Traefik: "
                    + String.join("; ", conflicts) + " on the network " + config.network()
                    + ". Rename the service (or route another with x-reviewenv.service), or rename the branch");
        }
    }

    /** One spelling per image reference, as the image ledger keeps them. */
    private static String normal(String ref) {
        return dev.reviewenv.environment.ImageOwnership.normal(ref);
    }
}
