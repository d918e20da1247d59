package dev.reviewenv.deploy;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.config.PolicyRule;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.config.Secrets;
import dev.reviewenv.config.Variables;
import dev.reviewenv.engine.build.BuildSpec;
import dev.reviewenv.engine.compose.ComposeCli;
import dev.reviewenv.engine.compose.ComposeCommands;
import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.compose.ComposeException;
import dev.reviewenv.engine.fs.Beneath;
import dev.reviewenv.engine.git.GitCheckout;
import dev.reviewenv.engine.git.Workspaces;
import dev.reviewenv.engine.stack.StackEngine;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Decides what a checkout may run, before anything on the host changes. Resolve, adapt, judge, then
 * deploy what was judged: the files Compose will read are checked ({@link ComposeFiles}), Compose
 * resolves the model with the checkout's {@code .env} (without what steers Compose), the operator's
 * variables and reviewenv's own, {@link ComposeAdaptations} rewrites what can be kept safely, the
 * policy judges the adapted model, and the rendered model is what is recorded and run. Nothing is
 * written inside the checkout.
 */
@Singleton
public class Admission {
    private final ReviewenvConfig config;
    private final ComposeCli compose;
    private final Workspaces workspaces;
    private final LifetimePolicy lifetimes;
    private final Ownership ownership;
    private final Secrets secrets;
    private final StackEngine engine;

    public Admission(ReviewenvConfig config, ComposeCli compose, Workspaces workspaces, LifetimePolicy lifetimes,
            Ownership ownership, Secrets secrets, StackEngine engine) {
        this.secrets = secrets;
        this.engine = engine;
        this.config = config;
        this.compose = compose;
        this.workspaces = workspaces;
        this.lifetimes = lifetimes;
        this.ownership = ownership;
    }

    /**
     * What was admitted: the rendered file (its routed service and port) as YAML, the lifetime, and
     * the images to build (in reviewenv's sandbox) before it runs.
     */
    public record Admitted(ComposeRenderer.Rendered rendered, String yaml, Lifetime lifetime, List<BuildSpec> builds,
            Lifecycle lifecycle) {
    }

    /** Admits the checkout of {@code commit} in {@code checkoutDir} for {@code request}, or throws saying why not. */
    public Admitted admit(DeployRequest request, Path checkoutDir, String commit, Consumer<String> out) {
        Path checkout = realPath(checkoutDir);
        String repository = request.branch().repository();
        String project = request.name().value();
        Optional<ReviewenvConfig.Repository> settings = config.repository(repository);
        // A fork's code is judged as any untrusted branch's: none of the rules the repository is trusted with.
        Set<PolicyRule> trusted = request.trusted()
                ? ComposePolicy.rules(settings.flatMap(ReviewenvConfig.Repository::allow).orElse(List.of())) : Set.of();
        ComposeSource.Found found = ComposeSource.locate(checkout, settings.flatMap(ReviewenvConfig.Repository::composeFile),
                settings.flatMap(ReviewenvConfig.Repository::template), config.composeTemplates());
        out.accept("compose file: " + found.label());
        ComposeFiles.Read read = ComposeFiles.read(found, checkout);
        ComposeDocument.requireValid(found.label(), read.written());

        Path own = workspaces.privateDir(request.name());
        try {
            Optional<Path> dotEnv = dotEnv(checkout, own, out);
            secrets.refresh();
            String text = resolve(request, commit, found, checkout, dotEnv, out);
            Map<String, Object> resolved = ComposeDocument.parseResolved(found.label(), text,
                    compose.flavor() == ComposeCommands.Flavor.V2);
            ComposeAdaptations.adapt(resolved, read.written(), checkout, trusted).forEach(n -> out.accept("policy: " + n));
            ComposePolicy.Verdict verdict = ComposePolicy.enforce(found.label(), resolved, project, checkout, trusted);
            for (ComposePolicy.Violation relaxed : verdict.relaxed()) {
                out.accept("policy: allowed because " + repository + " is trusted with '" + relaxed.rule().key + "': " + relaxed);
                Log.warnf("policy relaxed for %s (%s): %s", repository, relaxed.rule().key, relaxed);
            }
            String raise = "reviewenv.repositories.\"" + repository + "\".limits";
            ResourceLimits.apply(found.label(), resolved, config.limitsFor(repository), raise).forEach(l -> out.accept("limits: " + l));
            ResourceLimits.bound(found.label(), resolved, config.boundsFor(repository), raise).forEach(l -> out.accept("limits: " + l));
            ComposeRenderer.Rendered rendered = ComposeRenderer.render(found.label(), resolved, read.written(), request.name(),
                    commit, checkout, trusted.contains(PolicyRule.NET_RAW));
            rendered.notes().forEach(n -> out.accept("policy: " + n));
            ownership.images(found.label(), rendered.document(), request.name()).forEach(n -> out.accept("policy: " + n));
            engine.adapt(found.label(), rendered.document(), request.name(), commit).forEach(n -> out.accept(engine.kind() + ": " + n));
            ComposeDocument.requireValid("the rendered " + found.label(), rendered.document());
            List<String> buildNotes = new java.util.ArrayList<>();
            List<BuildSpec> builds = Builds.of(found.label(), rendered.document(), request.name(), repository, checkout,
                    config.limitsFor(repository), buildNotes);
            buildNotes.forEach(n -> out.accept("build: " + n));
            String yaml = ComposeDocument.toYaml(rendered.document());
            Lifetime lifetime = lifetimes.of(request.branch(), request.options(), rendered.lifetime());
            out.accept("routing " + request.address().host() + " to service " + rendered.service()
                    + ", port " + rendered.port() + "; lifetime " + lifetime);
            Lifecycle lifecycle = rendered.lifecycle().withSeed(seed(request, found.label(), rendered, settings, out));
            return new Admitted(rendered, yaml, lifetime, builds, lifecycle);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + own, e);
        } finally {
            try {
                GitCheckout.deleteTree(own);
            } catch (IOException ignored) {
                // made anew by the next deploy
            }
        }
    }

    /**
     * The seed a first deploy makes: the file's {@code x-reviewenv.seed}, else the repository's
     * {@code seed-from}/{@code seed-volumes} (its volumes that this file defines). None for a fork's
     * code (the base's data is not handed to code from outside the repository) nor for the base's own
     * branch; refused where the engine copies no volumes.
     */
    private Optional<Lifecycle.Seed> seed(DeployRequest request, String file, ComposeRenderer.Rendered rendered,
            Optional<ReviewenvConfig.Repository> settings, Consumer<String> out) {
        String repository = request.branch().repository();
        String key = ComposeRenderer.EXTENSION + ".seed";
        Optional<Lifecycle.Seed> seed = rendered.lifecycle().seed();
        if (seed.isEmpty() && settings.flatMap(ReviewenvConfig.Repository::seedFrom).isPresent()) {
            key = "reviewenv.repositories.\"" + repository + "\".seed-from";
            Map<?, ?> defined = rendered.document().get("volumes") instanceof Map<?, ?> v ? v : Map.of();
            List<String> wanted = settings.flatMap(ReviewenvConfig.Repository::seedVolumes)
                    .orElse(defined.keySet().stream().map(String::valueOf).toList());
            List<String> kept = wanted.stream().filter(v -> dev.reviewenv.engine.stack.StackObjects.named(rendered.document(), "volumes", v, request.name()).isPresent())
                    .toList();
            wanted.stream().filter(v -> !kept.contains(v)).forEach(v -> out.accept("seed: volume " + v + " of "
                    + "reviewenv.repositories.\"" + repository + "\".seed-volumes is not a volume this file creates (it has none of that name, or it is external); not seeded"));
            if (kept.isEmpty()) {
                return Optional.empty();
            }
            seed = Optional.of(new Lifecycle.Seed(settings.get().seedFrom().get().strip(), kept));
        }
        if (seed.isEmpty()) {
            return seed;
        }
        if (seed.get().from().equals(request.branch().name())) {
            out.accept("seed: " + key + " names this environment's own branch " + seed.get().from() + "; its volumes start empty");
            return Optional.empty();
        }
        if (!request.trusted()) {
            out.accept("seed: this environment runs a fork's code, which is not handed the data of " + seed.get().from()
                    + "'s environment; its volumes start empty");
            return Optional.empty();
        }
        Optional<String> cannot = engine.cannotCopyVolumes();
        if (cannot.isPresent()) {
            throw new dev.reviewenv.engine.compose.ComposeFileException(file, List.of(key + ": " + cannot.get()));
        }
        return seed;
    }

    /**
     * The model as Compose resolves it; the variables nothing set (Compose only warns) are named with
     * how to give them, and added to Compose's error when the file is invalid without them.
     */
    private String resolve(DeployRequest request, String commit, ComposeSource.Found found, Path checkout,
            Optional<Path> dotEnv, Consumer<String> out) {
        Set<String> unset = new java.util.TreeSet<>();
        Consumer<String> watching = line -> {
            java.util.regex.Matcher m = UNSET.matcher(line);
            if (m.find()) {
                unset.add(m.group(1));
            }
            out.accept(line);
        };
        String repository = request.branch().repository();
        try {
            String text = compose.resolve(request.name().value(), found.path(), checkout, dotEnv, variables(request, commit),
                    watching);
            if (!unset.isEmpty()) {
                out.accept("variables: " + provide(unset, repository));
            }
            return text;
        } catch (ComposeException e) {
            throw unset.isEmpty() ? e : new ComposeException(e.getMessage() + "\n" + provide(unset, repository));
        }
    }

    /** Compose's warning (v1 and v2) about a variable that nothing sets. */
    private static final java.util.regex.Pattern UNSET = java.util.regex.Pattern.compile(
            "The \\\\?\"?([A-Za-z_][A-Za-z0-9_]*)\\\\?\"? variable is not set");

    /** Says which variables nothing set, and how to give them. */
    static String provide(Set<String> unset, String repository) {
        return "nothing sets " + String.join(", ", unset) + " (Compose used an empty string); give "
                + (unset.size() == 1 ? "it" : "them") + " in the repository's .env, or the operator sets "
                + "reviewenv.repositories.\"" + repository + "\".variables." + unset.iterator().next()
                + (unset.size() > 1 ? " (and the others)" : "") + " or a variables-file";
    }

    /**
     * What {@code ${...}} may use besides the checkout's {@code .env}: what reviewenv says about the
     * environment ({@code REVIEWENV_NAME}, {@code _URL}, {@code _HOST}, {@code _BRANCH}, {@code _COMMIT},
     * {@code _REPOSITORY}, {@code _PULL_REQUEST}), and the operator's variables of the repository,
     * which win over the {@code .env}.
     */
    private Map<String, String> variables(DeployRequest request, String commit) {
        // A fork's code never gets the repository's variables: only reviewenv's own.
        Map<String, String> vars = new java.util.LinkedHashMap<>(request.trusted()
                ? Variables.of(config, request.branch().repository()) : Map.of());
        vars.put("REVIEWENV_NAME", request.name().value());
        vars.put("REVIEWENV_URL", request.address().url());
        vars.put("REVIEWENV_HOST", request.address().host());
        vars.put("REVIEWENV_BRANCH", request.branch().name());
        vars.put("REVIEWENV_COMMIT", commit);
        vars.put("REVIEWENV_REPOSITORY", request.branch().repository());
        vars.put("REVIEWENV_PULL_REQUEST", request.branch().pullRequest().isPresent()
                ? Long.toString(request.branch().pullRequest().getAsLong()) : "");
        return vars;
    }

    /**
     * The checkout's {@code .env}, copied without the variables that steer Compose itself
     * ({@code COMPOSE_*}, {@code DOCKER_*}): it only feeds interpolation, as Compose reads it.
     */
    private static Optional<Path> dotEnv(Path checkout, Path own, Consumer<String> out) throws IOException {
        Optional<Path> file = Beneath.resolve(checkout, Path.of(".env")).filter(Files::isRegularFile);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file.get(), StandardCharsets.UTF_8);
        List<String> kept = interpolationOnly(lines);
        Path copy = own.resolve("dotenv");
        Files.write(copy, kept, StandardCharsets.UTF_8);
        if (kept.size() < lines.size()) {
            out.accept("policy: .env: " + (lines.size() - kept.size()) + " line(s) setting COMPOSE_* or DOCKER_* left out (they would"
                    + " steer Compose itself); the rest is read for interpolation");
        }
        return Optional.of(copy);
    }

    /** The lines of a {@code .env} that only feed interpolation: those setting COMPOSE_* or DOCKER_* go. */
    static List<String> interpolationOnly(List<String> lines) {
        return lines.stream().filter(l -> !l.strip().matches("(export\\s+)?(COMPOSE_|DOCKER_).*")).toList();
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkout " + dir, e);
        }
    }
}
