package dev.reviewenv.engine;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.engine.build.BuildCommands;
import dev.reviewenv.engine.build.BuilderImage;
import dev.reviewenv.engine.build.Sandbox;
import dev.reviewenv.engine.compose.ComposeCli;
import dev.reviewenv.engine.compose.ComposeStacks;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.git.GitCheckout;
import dev.reviewenv.engine.git.GitRepositories;
import dev.reviewenv.engine.git.Mirrors;
import dev.reviewenv.engine.git.Workspaces;
import dev.reviewenv.engine.http.Http;
import dev.reviewenv.engine.process.CommandRunner;
import dev.reviewenv.engine.record.EnvironmentLocks;
import dev.reviewenv.engine.record.ImageLedger;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.engine.redis.Redis;
import dev.reviewenv.engine.redis.RedisJobQueue;
import dev.reviewenv.engine.redis.RedisNameClaims;
import dev.reviewenv.engine.registry.RegistryApi;
import dev.reviewenv.engine.stack.DiskUse;
import dev.reviewenv.engine.stack.Endpoints;
import dev.reviewenv.engine.stack.Images;
import dev.reviewenv.engine.stack.StackEngine;
import dev.reviewenv.engine.swarm.SwarmStacks;
import dev.reviewenv.engine.traefik.AccessLog;
import dev.reviewenv.engine.traefik.RouteFiles;
import dev.reviewenv.engine.traefik.TraefikContainer;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Makes one instance of each adapter from the configuration. */
@ApplicationScoped
public class Adapters {

    @Produces
    @Singleton
    RecordStore records(ReviewenvConfig config) {
        return new RecordStore(config.recordsDir());
    }

    @Produces
    @Singleton
    EnvironmentLocks locks(ReviewenvConfig config) {
        return new EnvironmentLocks(config.recordsDir());
    }

    @Produces
    @Singleton
    ImageLedger images(ReviewenvConfig config) {
        return new ImageLedger(config.recordsDir());
    }

    @Produces
    @Singleton
    RouteFiles routes(ReviewenvConfig config) {
        return new RouteFiles(config.routesDir(), config.traefik().entryPoints().orElse(List.of()),
                config.tls() ? new RouteFiles.Tls(true, config.traefik().certResolver().orElse(null)) : RouteFiles.Tls.NONE);
    }

    @Produces
    @Singleton
    TraefikContainer traefik(ReviewenvConfig config, DockerEngine docker) {
        return new TraefikContainer(docker, config.traefik().container());
    }

    @Produces
    @Singleton
    AccessLog accessLog(ReviewenvConfig config) {
        return new AccessLog(config.accessLogFile(), config.recordsDir().resolve(".access-log.position"));
    }

    @Produces
    @Singleton
    GitRepositories repositories(ReviewenvConfig config) {
        return new GitRepositories(config.gitRoot());
    }

    @Produces
    @Singleton
    Mirrors mirrors(ReviewenvConfig config) {
        return new Mirrors(config.home().resolve(".reviewenv-mirrors"), config.checkout().maxSize().bytes(),
                config.compose().timeout());
    }

    @Produces
    @Singleton
    GitCheckout checkout(ReviewenvConfig config) {
        return new GitCheckout(config.checkout().maxSize().bytes(), config.checkout().maxFiles());
    }

    @Produces
    @Singleton
    Workspaces workspaces(ReviewenvConfig config, GitCheckout git) {
        return new Workspaces(config.workspaces(), git);
    }

    @Produces
    @Singleton
    @DefaultBean
    CommandRunner runner(ReviewenvConfig config) {
        return new CommandRunner(config.recordsDir().resolve(".processes"));
    }

    @Produces
    @Singleton
    ComposeCli compose(ReviewenvConfig config, CommandRunner runner) throws IOException {
        // Compose's variables come from this file (empty) and never from a .env of a checkout.
        Path envFile = config.recordsDir().resolve(".compose.env");
        Files.createDirectories(envFile.getParent());
        Files.write(envFile, new byte[0]);
        return new ComposeCli(ComposeCli.detect(runner, config.compose().command()), runner, config.compose().timeout(),
                config.compose().stopTimeout(), envFile);
    }

    /** Typed as itself alone: the stages above see its narrow faces ({@link DiskUse}, {@link Images}, {@link Endpoints}). */
    @Produces
    @Singleton
    @Typed(DockerEngine.class)
    DockerEngine docker() {
        return new DockerEngine();
    }

    void closeDocker(@Disposes DockerEngine docker) throws IOException {
        docker.close();
    }

    /** The engine {@code reviewenv.engine} names: Compose on this host, or stacks on the swarm it manages. */
    @Produces
    @Singleton
    StackEngine engine(ReviewenvConfig config, ComposeCli compose, DockerEngine docker, CommandRunner runner, Clock clock) {
        if (config.engine() == ReviewenvConfig.Engine.SWARM) {
            Optional<RegistryApi> registry = config.swarm().registry()
                    .map(r -> new RegistryApi(r, config.swarm().registryHttp()));
            SwarmStacks.Settings settings = new SwarmStacks.Settings(config.swarm().registry(), registry,
                    config.compose().timeout(), config.compose().stopTimeout());
            return new SwarmStacks(docker, runner, settings, clock).requireManager();
        }
        return new ComposeStacks(compose, docker);
    }

    /** The host's image store, as the stages above the engines see it. */
    @Produces
    @Singleton
    Images imageStore(DockerEngine docker) {
        return docker.images();
    }

    /** What the environments hold on the disk, as the stages above the engines see it. */
    @Produces
    @Singleton
    DiskUse diskUse(DockerEngine docker) {
        return docker;
    }

    /** Who is on a network, as the stages above the engines see it. */
    @Produces
    @Singleton
    Endpoints endpoints(DockerEngine docker) {
        return docker.networks();
    }

    /** Builds run in buildah, in a container of their own per build (see {@link Sandbox}). */
    @Produces
    @Singleton
    Sandbox builds(ReviewenvConfig config, DockerEngine docker, CommandRunner runner) {
        BuilderImage image = new BuilderImage(runner, Path.of("/usr/bin/buildah"), Path.of("/bin/busybox"));
        BuildCommands commands = new BuildCommands(config.build().timeout(), config.limits().logs().toString(),
                config.limits().logFiles());
        return new Sandbox(docker, runner, image, commands, config.home().resolve(".reviewenv-builds"),
                config.build().localImages().orElse(List.of()));
    }

    @Produces
    @Singleton
    Http http() {
        return new Http();
    }

    @Produces
    @Singleton
    Redis redis(ReviewenvConfig config) {
        return Redis.connect(config.redisUrl());
    }

    void closeRedis(@Disposes Redis redis) {
        redis.close();
    }

    @Produces
    @Singleton
    RedisJobQueue jobQueue(Redis redis, ReviewenvConfig config) {
        return new RedisJobQueue(redis, config.jobs().outputLimit(),
                config.jobs().keepFor().duration().orElse(Duration.ofDays(3650)), config.jobs().heartbeat().multipliedBy(3));
    }

    @Produces
    @Singleton
    RedisNameClaims nameClaims(Redis redis) {
        return new RedisNameClaims(redis);
    }
}
