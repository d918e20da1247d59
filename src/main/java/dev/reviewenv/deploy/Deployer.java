package dev.reviewenv.deploy;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.build.Sandbox;
import dev.reviewenv.engine.git.GitCheckout;
import dev.reviewenv.engine.git.Workspaces;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.stack.Images;
import dev.reviewenv.engine.stack.ServiceCommand;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.engine.traefik.TraefikContainer;
import dev.reviewenv.environment.Hooks;
import dev.reviewenv.environment.ImageOwnership;
import dev.reviewenv.environment.Recorded;
import dev.reviewenv.environment.Sources;
import dev.reviewenv.environment.NameAllocator;
import dev.reviewenv.naming.EnvironmentName;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Deploys one revision of a branch as its environment: checkout, admission (see {@link Admission}),
 * record, the builds (in reviewenv's sandbox, {@link Sandbox}), {@code up}, readiness, Traefik on the
 * environment's routing network, route. Everything that can be refused is refused before anything
 * changes; a failure after that throws {@link DeployException} and the caller rolls back. The
 * caller holds the environment's lock.
 */
@Singleton
public class Deployer {
    private final ReviewenvConfig config;
    private final NameAllocator names;
    private final Sources sources;
    private final Workspaces workspaces;
    private final Admission admission;
    private final RecordStore records;
    private final StackEngine engine;
    private final Images store;
    private final Readiness readiness;
    private final Ownership ownership;
    private final ImageOwnership images;
    private final RouteFiles routes;
    private final Sandbox builder;
    private final TraefikContainer traefik;
    private final Recorded recorded;
    private final Seeding seeding;
    private final Hooks hooks;
    private final Clock clock;

    public Deployer(ReviewenvConfig config, NameAllocator names, Sources sources, Workspaces workspaces,
            Admission admission, RecordStore records, StackEngine engine, Images store, Readiness readiness,
            Ownership ownership, ImageOwnership images, RouteFiles routes, Sandbox builder, TraefikContainer traefik,
            Recorded recorded, Seeding seeding, Hooks hooks, Clock clock) {
        this.config = config;
        this.names = names;
        this.sources = sources;
        this.workspaces = workspaces;
        this.admission = admission;
        this.records = records;
        this.engine = engine;
        this.store = store;
        this.readiness = readiness;
        this.ownership = ownership;
        this.images = images;
        this.routes = routes;
        this.builder = builder;
        this.traefik = traefik;
        this.recorded = recorded;
        this.seeding = seeding;
        this.hooks = hooks;
        this.clock = clock;
    }

    /** What a deploy that succeeded hands on: where the environment answers. */
    public record Deployed(EnvironmentName name, String commit, String url) {
    }

    public Deployed deploy(DeployRequest request, Consumer<String> out) {
        EnvironmentName name = request.name();
        names.reclaim(name, request.branch());
        Path bare = sources.fetched(request.branch(), request.revision(), out);
        out.accept("checking out " + request.revision() + " of " + request.branch());
        GitCheckout.Checkout checkout = workspaces.checkout(bare, request.revision(), name);
        out.accept("commit " + checkout.commit() + ": " + checkout.subject());
        Admission.Admitted admitted;
        try {
            admitted = admission.admit(request, checkout.dir(), checkout.commit(), out);
        } catch (RuntimeException refused) {
            workspaces.keepOnly(name, records.read(name).map(EnvironmentRecord::commit));
            throw refused;
        }
        return apply(request, checkout, admitted, out);
    }

    private Deployed apply(DeployRequest request, GitCheckout.Checkout checkout, Admission.Admitted admitted,
            Consumer<String> out) {
        EnvironmentName name = request.name();
        String commit = checkout.commit();
        ComposeRenderer.Rendered rendered = admitted.rendered();
        Optional<EnvironmentRecord> existing = records.read(name);
        ownership.beforeDeploy(name, existing.isPresent(), rendered);
        Optional<Running> previous = existing.filter(EnvironmentRecord::upOrAsleep)
                .flatMap(r -> records.readComposeFile(name).map(yaml -> new Running(r, yaml, records.removeAt(name),
                        beforeStopOf(name))));
        Lifecycle lifecycle = admitted.lifecycle();
        Set<String> before = images.recordedImages(name);
        Set<String> needed = ImageOwnership.pulledImages(rendered.document());
        Set<String> pulling = images.pinForDeploy(name, needed);
        if (!pulling.isEmpty()) {
            out.accept("images to pull (reviewenv's from now on): " + String.join(", ", pulling));
        }
        try {
            Instant now = clock.instant();
            EnvironmentRecord record = existing.orElse(EnvironmentRecord.first(name, request.branch(), commit,
                    request.address().url(), now, request.job()));
            record = record.withStatus(EnvironmentRecord.Status.DEPLOYING).with(new EnvironmentRecord.Event(now, "deploy",
                    request.options().isEmpty() ? null : "options " + request.options(), commit, request.job()));
            records.writeComposeFile(name, admitted.yaml());
            records.writeRemoveAt(name, admitted.lifetime().removeAt(now));
            hooks.remember(name, lifecycle.beforeStop());
            records.write(record);
            EnvironmentRecord.Route deployed;
            try {
                engine.ensureNetwork(config.network());
                StackEngine.Stack stack = recorded.stack(name, checkout.dir());
                if (existing.filter(r -> r.service() != null && r.routingNetwork() == null).isPresent()) {
                    out.accept("this environment was deployed before each environment had networks of its own:"
                            + " its containers and networks are made anew (its volumes are kept)");
                    engine.recreate(stack, out);
                }
                builder.build(name, admitted.builds(), out);
                if (existing.isEmpty()) {
                    lifecycle.seed().ifPresent(seed -> seeding.seed(name, request.branch(), seed, rendered.document(), out));
                }
                engine.up(stack, out);
                readiness.await(name, out);
                if (existing.isEmpty()) {
                    lifecycle.afterCreate().ifPresent(hook -> hooks.afterCreate(name, hook, out));
                }
                EnvironmentRecord.Route route = rendered.route(name);
                if (!traefik.join(route.network())) {
                    out.accept(traefik.missing(route.network()));
                    Log.warn(traefik.missing(route.network()));
                }
                ownership.onSharedNetwork(name, route.upstream());
                routes.write(name, request.address().host(), route.upstream(), route.port(),
                        config.basicAuthFor(request.branch().repository()));
                // Traefik takes the route while the containers prove they keep running.
                readiness.settle(name);
                deployed = route;
            } catch (RuntimeException e) {
                String reason = e.getMessage() + missing(pulling);
                String first = reason.lines().findFirst().orElse("");
                Log.warnf("deploy of %s failed: %s", name, first);
                out.accept("deploy failed: " + first);
                if (previous.isPresent()) {
                    throw new DeployException(reason + "\n" + restore(name, previous.get(), out), e, false);
                }
                throw new DeployException(reason, e, true);
            }
            records.write(record.deployed(commit, EnvironmentRecord.Status.RUNNING, clock.instant(), deployed, request.job(),
                    admitted.lifetime().toString()));
        } finally {
            images.unpin(name);
            if (!admitted.builds().isEmpty()) {
                try {
                    builder.done(name);
                } catch (RuntimeException e) {
                    Log.warnf("the build network of %s is left for its teardown's sweep: %s", name, e.getMessage());
                }
            }
        }
        workspaces.keepOnly(name, Optional.of(commit));
        engine.tidy(name, out);
        images.release(name, before, needed, "replaced image", out);
        out.accept("environment " + name + " is up at " + request.address().url());
        return new Deployed(name, commit, request.address().url());
    }

    /** What ran before an update: its record, its compose file, its removal time and its before-stop. */
    private record Running(EnvironmentRecord record, String yaml, Optional<Instant> removeAt, Optional<ServiceCommand> beforeStop) {
    }

    /** The before-stop kept for {@code name}; an unreadable one is none (the update writes its own). */
    private Optional<ServiceCommand> beforeStopOf(EnvironmentName name) {
        try {
            return records.readBeforeStop(name);
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * A failed update keeps what was running: the previous file goes back into the record and is
     * brought up again from its own checkout (volumes were never touched, the route never changed).
     * Says what came of it.
     */
    private String restore(EnvironmentName name, Running previous, Consumer<String> out) {
        String commit = previous.record().commit();
        out.accept("the update failed; bringing back commit " + commit);
        records.writeComposeFile(name, previous.yaml());
        records.writeRemoveAt(name, previous.removeAt());
        hooks.remember(name, previous.beforeStop());
        EnvironmentRecord back = previous.record().with(new EnvironmentRecord.Event(clock.instant(), "update-failed",
                "kept commit " + commit, commit, null));
        try {
            engine.up(recorded.stack(previous.record()), out);
            readiness.await(name, out);
            recorded.route(previous.record(), out);
            records.write(back);
            return "the update failed; " + name + " still runs commit " + commit + " with its data";
        } catch (RuntimeException e) {
            records.write(back.withStatus(EnvironmentRecord.Status.FAILED));
            return "the update failed, and commit " + commit + " could not be brought back either (" + e.getMessage()
                    + "); its volumes are kept: push a fix, or stop the environment";
        }
    }

    /** Names the images that were not on this host and are still not, for the failure report. */
    private String missing(Set<String> pulling) {
        StringBuilder sb = new StringBuilder();
        pulling.stream().filter(i -> !store.exists(i)).forEach(i -> sb.append("\nimage ").append(i)
                .append(" is not on this host and could not be pulled; build it here, or add a build: section"));
        return sb.toString();
    }
}
