package dev.reviewenv.engine.build;

import dev.reviewenv.engine.docker.Bridges;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.docker.DockerImages;
import dev.reviewenv.engine.docker.DockerNetworks;
import dev.reviewenv.engine.docker.DockerObjects;
import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.engine.process.CommandRunner;
import dev.reviewenv.naming.EnvironmentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Builds an environment's images where a build sees what a running review container sees and no
 * more. Each build runs {@code buildah} in a container of its own ({@link BuildCommands}): on a
 * network made for the environment's builds (a bridge the host's firewall keeps off the host, so
 * not the host's loopback nor its services), with the environment's memory, CPU and process
 * limits and a time bound, with its repository's own image store and cache (a Docker volume per
 * repository: no other repository's cache, and none of the host's images or another environment's
 * builds), the checkout read-only, and the base images it pulls or that the operator lists in
 * {@code reviewenv.build.local-images}. What it made enters Docker under the one tag it was asked
 * for ({@link DockerEngine#loadImage}), labelled for the environment.
 */
public class Sandbox {
    /** Marks a repository's build storage volume; the value is the repository. */
    public static final String CACHE_LABEL = "dev.reviewenv.build-cache";

    private final DockerImages images;
    private final DockerNetworks networks;
    private final DockerObjects objects;
    private final CommandRunner runner;
    private final BuilderImage image;
    private final BuildCommands commands;
    private final Path workDir;
    private final List<String> localImages;
    private final Duration timeout;

    public Sandbox(DockerEngine docker, CommandRunner runner, BuilderImage image, BuildCommands commands, Path workDir,
            List<String> localImages) {
        this.images = docker.images();
        this.networks = docker.networks();
        this.objects = docker.objects();
        this.runner = runner;
        this.image = image;
        this.commands = commands;
        this.workDir = workDir;
        this.localImages = List.copyOf(localImages);
        this.timeout = commands.timeout();
    }

    /** The network an environment's builds run on: {@code <name>_reviewenv-build} (the policy keeps {@code reviewenv*} keys). */
    public static String network(EnvironmentName name) {
        return name.value() + "_reviewenv-build";
    }

    /** The volume holding a repository's image store and build cache. */
    public static String storage(String repository) {
        return "reviewenv-build-" + sha(repository).substring(0, 16);
    }

    /**
     * Builds every spec in order (all of one environment) and returns the ids of the images. The
     * build network stays until {@link #done} (the deploy removes it once its route is written, and a
     * teardown's sweep takes it by its label). Throws {@link BuildException} saying which build failed
     * and why.
     */
    public List<String> build(EnvironmentName name, List<BuildSpec> specs, Consumer<String> out) {
        if (specs.isEmpty()) {
            return List.of();
        }
        String builder = image.reference(out);
        Map<String, String> builders = Map.of(Labels.ENVIRONMENT, name.value(), BuildCommands.ROLE, "build");
        // A build of a service that was killed meanwhile may still run: it goes before its network can.
        objects.removeContainers(builders).forEach(c -> out.accept("removed the builder " + c + " a stopped service left running"));
        String network = network(name);
        Optional<Map<String, String>> left = objects.labelsOf(DockerObjects.Kind.NETWORK, network);
        if (left.isPresent()) {
            if (!name.value().equals(left.get().get(Labels.ENVIRONMENT))) {
                throw new BuildException("a network " + network + " that is not reviewenv's is on this host; reviewenv never uses"
                        + " it. Remove or rename it, or rename the branch");
            }
            networks.removeNetwork(network); // a leftover of a build the service did not see end
        }
        Map<String, String> labels = Map.of(Labels.ENVIRONMENT, name.value(), BuildCommands.ROLE, "build");
        networks.createNetwork(network, labels, Map.of(Bridges.NAME_OPTION, Bridges.nameFor(network)), false);
        List<String> ids = new ArrayList<>();
        for (BuildSpec spec : specs) {
            ids.add(buildOne(builder, spec, network, out));
        }
        return ids;
    }

    /**
     * Removes every repository's build store and cache that no build is using (the disk is short);
     * the next build of a repository starts from nothing. Returns how many were removed.
     */
    public int dropCaches(Consumer<String> out) {
        int removed = 0;
        for (String volume : objects.volumesWithLabel(CACHE_LABEL)) {
            if (objects.removeVolume(volume)) {
                removed++;
                out.accept("removed the build cache " + volume);
                try {
                    Files.deleteIfExists(ledger(volume));
                } catch (IOException e) {
                    // a stale ledger only makes the next build load its local images again
                }
            }
        }
        return removed;
    }

    /**
     * The environment's build network, one line, when a network of its name is there and is not
     * the environment's (no deploy may then build: it would join someone else's network).
     */
    public Optional<String> networkTaken(EnvironmentName name) {
        String network = network(name);
        return objects.labelsOf(DockerObjects.Kind.NETWORK, network).filter(l -> !name.value().equals(l.get(Labels.ENVIRONMENT)))
                .map(l -> "network " + network + " (not reviewenv's)");
    }

    /** Removes the environment's build network, if a build left it (it is reviewenv's: it carries the label). */
    public void done(EnvironmentName name) {
        String network = network(name);
        objects.labelsOf(DockerObjects.Kind.NETWORK, network).filter(l -> name.value().equals(l.get(Labels.ENVIRONMENT)))
                .ifPresent(l -> networks.removeNetwork(network));
    }

    private String buildOne(String builder, BuildSpec spec, String network, Consumer<String> out) {
        String storage = storage(spec.repository());
        boolean fresh = objects.labelsOf(DockerObjects.Kind.VOLUME, storage).isEmpty();
        if (fresh) {
            objects.createVolume(storage, Map.of(CACHE_LABEL, spec.repository()));
        }
        String container = spec.environment().value() + ".build." + UUID.randomUUID().toString().substring(0, 8);
        Path dir = workDir.resolve(container);
        try {
            Path in = Files.createDirectories(dir.resolve("in"));
            Path outDir = Files.createDirectories(dir.resolve("out"));
            List<BuildCommands.LocalImage> locals = locals(storage, fresh, in, out);
            StringBuilder args = new StringBuilder();
            new java.util.TreeMap<>(spec.args()).forEach((k, v) -> args.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
            Files.writeString(in.resolve(BuildCommands.ARGS), args, StandardCharsets.UTF_8);
            if (spec.inline().isPresent()) {
                Files.writeString(in.resolve(BuildCommands.INLINE), spec.inline().get(), StandardCharsets.UTF_8);
            }
            List<String> argv = commands.run(spec, builder, container, network, storage, in, outDir, locals);
            out.accept("building " + spec.image() + " for service " + spec.service() + " in reviewenv's sandbox (buildah;"
                    + " memory " + spec.limits().memoryText() + ", cpus " + spec.limits().cpusText() + ", pids "
                    + spec.limits().pids() + ", at most " + timeout.toSeconds() + " s)");
            CommandRunner.Result r;
            Instant started = Instant.now();
            try {
                r = runner.run(argv, null, Map.of(), timeout.plusSeconds(30), out);
            } finally {
                removeBuilder(container);
            }
            if (r.timedOut() || !r.ok() && Duration.between(started, Instant.now()).compareTo(timeout) >= 0) {
                throw new BuildException("the build of service " + spec.service() + " did not finish within "
                        + timeout.toSeconds() + " s (reviewenv.build.timeout) and was stopped");
            }
            if (r.exitCode() == 137) {
                throw new BuildException("the build of service " + spec.service() + " was killed: it ran out of its memory"
                        + " limit (" + spec.limits().memoryText() + ") or processes (" + spec.limits().pids() + "); an operator"
                        + " raises reviewenv.repositories.\"" + spec.repository() + "\".limits.*");
            }
            if (!r.ok()) {
                throw new BuildException("the build of service " + spec.service() + " failed (exit " + r.exitCode() + "):\n"
                        + r.tailText());
            }
            remember(storage, locals);
            String id = images.load(outDir.resolve("image.tar"), spec.image());
            if (!images.environmentOf(spec.image()).map(spec.environment().value()::equals).orElse(false)) {
                throw new BuildException("the image built as " + spec.image() + " does not carry the label "
                        + Labels.ENVIRONMENT + "=" + spec.environment());
            }
            out.accept("built " + spec.image() + " (" + id.replaceFirst("^sha256:", "").substring(0, 12) + ") in "
                    + Duration.between(started, Instant.now()).toMillis() / 100 / 10.0 + " s");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the build of service " + spec.service() + " in " + dir, e);
        } finally {
            delete(dir);
        }
    }

    /**
     * Removes the builder's container, also when the job was interrupted (the service stops): the
     * {@code docker run} that was ended does not end the container by itself.
     */
    private void removeBuilder(String container) {
        boolean interrupted = Thread.interrupted();
        try {
            objects.removeContainers(Map.of(BuildCommands.NAME, container));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The operator's local images that are on the host and not yet in the repository's store, saved
     * into {@code in} for the builder to load (a store that was just made has none of them).
     */
    private List<BuildCommands.LocalImage> locals(String storage, boolean fresh, Path in, Consumer<String> out) throws IOException {
        Map<String, String> loaded = fresh ? new LinkedHashMap<>() : loaded(storage);
        List<BuildCommands.LocalImage> locals = new ArrayList<>();
        for (String ref : localImages) {
            Optional<String> id = images.id(ref);
            if (id.isEmpty() || id.get().equals(loaded.get(ref))) {
                continue;
            }
            String archive = "local-" + locals.size() + ".tar";
            images.save(ref, in.resolve(archive));
            locals.add(new BuildCommands.LocalImage(archive, ref));
            out.accept("handing the build the local image " + ref + " (reviewenv.build.local-images)");
        }
        if (fresh) {
            Files.deleteIfExists(ledger(storage));
        }
        return locals;
    }

    /** Which local image (by id) each reference is in the repository's store, as reviewenv last loaded them. */
    private Map<String, String> loaded(String storage) throws IOException {
        Map<String, String> loaded = new LinkedHashMap<>();
        Path ledger = ledger(storage);
        if (Files.isRegularFile(ledger)) {
            for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
                int sp = line.indexOf(' ');
                if (sp > 0) {
                    loaded.put(line.substring(sp + 1), line.substring(0, sp));
                }
            }
        }
        return loaded;
    }

    private void remember(String storage, List<BuildCommands.LocalImage> locals) throws IOException {
        if (locals.isEmpty()) {
            return;
        }
        Map<String, String> loaded = loaded(storage);
        for (BuildCommands.LocalImage l : locals) {
            loaded.put(l.reference(), images.id(l.reference()).orElse(""));
        }
        StringBuilder sb = new StringBuilder();
        loaded.forEach((ref, id) -> sb.append(id).append(' ').append(ref).append('\n'));
        Files.createDirectories(workDir);
        Files.writeString(ledger(storage), sb.toString(), StandardCharsets.UTF_8);
    }

    private Path ledger(String storage) {
        return workDir.resolve(storage + ".loaded");
    }

    /** Removes a build's directory (what the builder wrote into it is root's, in a directory of reviewenv's). */
    private static void delete(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // left for the operator; each build has a directory of its own (links in it are removed, never followed)
        }
    }

    private static String sha(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
