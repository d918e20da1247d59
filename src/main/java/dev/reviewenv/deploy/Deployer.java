package dev.reviewenv.deploy;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.compose.ComposeCli;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.git.GitCheckout;
import dev.reviewenv.engine.git.GitRepositories;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.job.Job;
import dev.reviewenv.naming.EnvironmentNames;
import dev.reviewenv.teardown.Teardown;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Deploys one revision of a branch as its environment: checkout, compose file, validation and
 * rendering, record, {@code up}, readiness, route. Everything that can be refused is refused
 * before anything changes; a failure after that removes whatever the deploy created.
 */
@Singleton
public class Deployer {
    private final ReviewenvConfig config;
    private final GitRepositories repositories;
    private final GitCheckout git;
    private final ComposeCli compose;
    private final DockerEngine docker;
    private final RecordStore records;
    private final RouteFiles routes;
    private final EnvironmentLocks locks;
    private final Environments environments;
    private final Teardown teardown;
    private final Clock clock;

    public Deployer(ReviewenvConfig config, GitRepositories repositories, GitCheckout git, ComposeCli compose,
            DockerEngine docker, RecordStore records, RouteFiles routes, EnvironmentLocks locks, Environments environments,
            Teardown teardown) {
        this.config = config;
        this.repositories = repositories;
        this.git = git;
        this.compose = compose;
        this.docker = docker;
        this.records = records;
        this.routes = routes;
        this.locks = locks;
        this.environments = environments;
        this.teardown = teardown;
        this.clock = Clock.systemUTC();
    }

    /** Deploys the job's revision and returns the environment's URL. */
    public String deploy(Job job, Consumer<String> out) {
        String name = job.environment();
        String branch = EnvironmentNames.branchOf(job.ref());
        try (EnvironmentLocks.Held lock = locks.hold(name)) {
            environments.reclaim(name, job.repository(), job.ref());
            Path bare = repositories.locate(job.repository());
            String commit = git.resolve(bare, job.revision());
            Path checkoutDir = Environments.workspace(config, name, commit);
            out.accept("checking out " + commit + " of " + job.repository() + " (" + branch + ")");
            GitCheckout.Checkout checkout = git.checkout(bare, commit, checkoutDir);
            out.accept("commit: " + checkout.subject());

            Prepared prepared;
            try {
                prepared = prepare(job, name, branch, checkout.dir(), out);
            } catch (RuntimeException e) {
                keepOnly(name, records.read(name).map(EnvironmentRecord::commit));
                throw e;
            }
            return apply(job, name, branch, commit, checkout.dir(), prepared, out);
        }
    }

    /** What {@link #prepare} checked and rendered, before anything was changed. */
    private record Prepared(ComposeRenderer.Rendered rendered, String yaml, Lifetime lifetime) {
    }

    private Prepared prepare(Job job, String name, String branch, Path checkout, Consumer<String> out) {
        Optional<ReviewenvConfig.Repository> settings = config.repository(job.repository());
        ComposeSource.Found found = ComposeSource.locate(checkout,
                settings.flatMap(ReviewenvConfig.Repository::composeFile),
                settings.flatMap(ReviewenvConfig.Repository::template), config.composeTemplates());
        out.accept("compose file: " + found.label());
        Map<String, Object> doc = ComposeDocument.parse(found.label(), found.text());
        ComposeDocument.requireValid(found.label(), doc);
        ComposePolicy.Verdict verdict = ComposePolicy.enforce(found.label(), doc, checkout,
                ComposePolicy.rules(settings.flatMap(ReviewenvConfig.Repository::allow).orElse(List.of())));
        for (ComposePolicy.Violation relaxed : verdict.relaxed()) {
            out.accept("policy: allowed because " + job.repository() + " is trusted with '" + relaxed.rule().key + "': " + relaxed);
            Log.warnf("policy relaxed for %s (%s): %s", job.repository(), relaxed.rule().key, relaxed);
        }
        verdict.rewrites().forEach(r -> out.accept("policy: " + r));
        ComposeRenderer.Rendered rendered = ComposeRenderer.render(found.label(), doc, name, config.network(), checkout);
        ComposeDocument.requireValid("the rendered " + found.label(), rendered.document());
        String yaml = ComposeDocument.toYaml(rendered.document());
        Lifetime lifetime = environments.lifetime(job.repository(), branch, job.options(), rendered.lifetime());

        // Compose's own reading of the file (interpolation, references) before anything is created.
        Path candidate = checkout.resolve(".reviewenv-compose.yml");
        try {
            Files.writeString(candidate, yaml, StandardCharsets.UTF_8);
            compose.config(name, candidate, checkout, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + candidate, e);
        } finally {
            try {
                Files.deleteIfExists(candidate);
            } catch (IOException ignored) {
                // the checkout is replaced on the next deploy
            }
        }
        out.accept("routing " + environments.host(job.repository(), name) + " to service " + rendered.service()
                + ", port " + rendered.port() + "; lifetime " + lifetime);
        return new Prepared(rendered, yaml, lifetime);
    }

    private String apply(Job job, String name, String branch, String commit, Path checkout, Prepared p,
            Consumer<String> out) {
        Instant now = clock.instant();
        String url = environments.url(job.repository(), name);
        EnvironmentRecord record = records.read(name).orElse(new EnvironmentRecord(name, job.repository(), branch,
                job.ref(), commit, url, EnvironmentRecord.DEPLOYING, now, null, null, null, job.id(), null, List.of()));
        record = record.withStatus(EnvironmentRecord.DEPLOYING)
                .with(new EnvironmentRecord.Event(now, "deploy", job.options().isEmpty() ? null : "options " + job.options(), commit, job.id()));
        records.writeComposeFile(name, p.yaml());
        records.writeRemoveAt(name, p.lifetime().removeAt(now));
        records.write(record);
        Set<String> previousImages = docker.imageIds(name);
        try {
            docker.ensureNetwork(config.network());
            compose.up(name, records.composeFile(name), checkout, out);
            waitUntilReady(name, out);
            routes.write(name, environments.host(job.repository(), name), p.rendered().service(), p.rendered().port(),
                    config.basicAuthFor(job.repository()));
        } catch (RuntimeException e) {
            String reason = e.getMessage() + missingImages(p.rendered().document());
            Log.warnf("deploy of %s failed: %s", name, reason.lines().findFirst().orElse(""));
            out.accept("deploy failed: " + reason.lines().findFirst().orElse(""));
            out.accept("removing what the deploy created");
            try {
                teardown.remove(name, "failed", job.id(), out);
            } catch (RuntimeException cleanup) {
                out.accept("cleanup failed too, the reaper retries it: " + cleanup.getMessage());
            }
            throw new DeployException(reason, e);
        }
        records.write(record.deployed(commit, EnvironmentRecord.RUNNING, clock.instant(), p.rendered().service(),
                p.rendered().port(), job.id()));
        keepOnly(name, Optional.of(commit));
        removeReplacedImages(name, previousImages, out);
        out.accept("environment " + name + " is up at " + url);
        return url;
    }

    /** Images the environment ran before this deploy and runs no more (replaced builds) are removed. */
    private void removeReplacedImages(String name, Set<String> previous, Consumer<String> out) {
        Set<String> now = docker.imageIds(name);
        for (String id : previous) {
            if (!now.contains(id) && docker.removeUnusedImage(id)) {
                out.accept("removed replaced image " + id);
            }
        }
    }

    /** Names the images the file uses that are neither built nor on this host, for the failure report. */
    private String missingImages(Map<String, Object> doc) {
        StringBuilder sb = new StringBuilder();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((service, def) -> {
                if (def instanceof Map<?, ?> d && d.get("image") != null && d.get("build") == null
                        && !docker.imageExists(String.valueOf(d.get("image")))) {
                    sb.append("\nimage ").append(d.get("image")).append(" of service ").append(service)
                            .append(" is not on this host and could not be pulled; build it here, or add a build: section");
                }
            });
        }
        return sb.toString();
    }

    private void waitUntilReady(String name, Consumer<String> out) {
        Instant deadline = clock.instant().plus(config.compose().readyTimeout());
        boolean settled = false;
        while (true) {
            List<DockerEngine.ProjectContainer> containers = docker.containers(name);
            if (containers.isEmpty()) {
                throw new IllegalStateException("compose up started no container for " + name);
            }
            for (DockerEngine.ProjectContainer c : containers) {
                if (c.failed()) {
                    List<String> logs = docker.logTail(c.id(), 20);
                    throw new IllegalStateException("container " + c.name() + " of service " + c.service() + " is "
                            + c.state() + (c.exitCode() == null ? "" : " (exit " + c.exitCode() + ")")
                            + (c.health() == null ? "" : ", " + c.health()) + "; its last lines:\n" + String.join("\n", logs));
                }
            }
            boolean ready = containers.stream().allMatch(c -> c.ready() || "exited".equals(c.state()));
            if (ready && settled) {
                out.accept("containers ready: " + containers.stream().map(c -> c.name() + " " + c.state()).toList());
                return;
            }
            // Ready twice in a row, a second apart: a container that dies right after its start is caught.
            settled = ready;
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("containers not ready within " + config.compose().readyTimeout().toSeconds()
                        + " s: " + containers.stream().map(c -> c.name() + " " + c.state() + (c.health() == null ? "" : "/" + c.health())).toList());
            }
            sleep(Duration.ofMillis(settled ? 1000 : 500));
        }
    }

    /** Deletes the environment's checkouts but the one of {@code commit} (all of them for none). */
    private void keepOnly(String name, Optional<String> commit) {
        Path dir = config.workspaces().resolve(name);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (commit.isEmpty() || !p.getFileName().toString().equals(commit.get())) {
                    GitCheckout.deleteTree(p);
                }
            }
            if (commit.isEmpty()) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            Log.warnf("cannot clean the checkouts of %s: %s", name, e.getMessage());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
