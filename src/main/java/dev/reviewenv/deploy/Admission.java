package dev.reviewenv.deploy;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.compose.ComposeCli;
import dev.reviewenv.engine.compose.ComposeDocument;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Decides what a checkout may run, before anything on the host changes: finds the compose file,
 * parses it, checks it against the Compose specification and the policy, renders it for the
 * environment and lets Compose read it once. Everything it refuses it refuses with the path and
 * the fix; what it admits is exactly what is deployed.
 */
@Singleton
public class Admission {
    private final ReviewenvConfig config;
    private final ComposeCli compose;
    private final LifetimePolicy lifetimes;

    public Admission(ReviewenvConfig config, ComposeCli compose, LifetimePolicy lifetimes) {
        this.config = config;
        this.compose = compose;
        this.lifetimes = lifetimes;
    }

    /** What was admitted: the rendered file (its routed service and port) as YAML, and the lifetime. */
    public record Admitted(ComposeRenderer.Rendered rendered, String yaml, Lifetime lifetime) {
    }

    public Admitted admit(DeployRequest request, Path checkout, Consumer<String> out) {
        String repository = request.branch().repository();
        Optional<ReviewenvConfig.Repository> settings = config.repository(repository);
        ComposeSource.Found found = ComposeSource.locate(checkout,
                settings.flatMap(ReviewenvConfig.Repository::composeFile),
                settings.flatMap(ReviewenvConfig.Repository::template), config.composeTemplates());
        out.accept("compose file: " + found.label());
        Map<String, Object> doc = ComposeDocument.parse(found.label(), found.text());
        ComposeDocument.requireValid(found.label(), doc);
        ComposePolicy.Verdict verdict = ComposePolicy.enforce(found.label(), doc, checkout,
                ComposePolicy.rules(settings.flatMap(ReviewenvConfig.Repository::allow).orElse(List.of())));
        for (ComposePolicy.Violation relaxed : verdict.relaxed()) {
            out.accept("policy: allowed because " + repository + " is trusted with '" + relaxed.rule().key + "': " + relaxed);
            Log.warnf("policy relaxed for %s (%s): %s", repository, relaxed.rule().key, relaxed);
        }
        verdict.rewrites().forEach(r -> out.accept("policy: " + r));
        ComposeRenderer.Rendered rendered = ComposeRenderer.render(found.label(), doc, request.name(), config.network(), checkout);
        ComposeDocument.requireValid("the rendered " + found.label(), rendered.document());
        String yaml = ComposeDocument.toYaml(rendered.document());
        Lifetime lifetime = lifetimes.of(request.branch(), request.options(), rendered.lifetime());
        composeReads(request, yaml, checkout, out);
        out.accept("routing " + request.address().host() + " to service " + rendered.service()
                + ", port " + rendered.port() + "; lifetime " + lifetime);
        return new Admitted(rendered, yaml, lifetime);
    }

    /** Compose's own reading of the file (interpolation, references) before anything is created. */
    private void composeReads(DeployRequest request, String yaml, Path checkout, Consumer<String> out) {
        Path candidate = checkout.resolve(".reviewenv-compose.yml");
        try {
            Files.writeString(candidate, yaml, StandardCharsets.UTF_8);
            compose.config(request.name().value(), candidate, checkout, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + candidate, e);
        } finally {
            try {
                Files.deleteIfExists(candidate);
            } catch (IOException ignored) {
                // the checkout is replaced on the next deploy
            }
        }
    }
}
