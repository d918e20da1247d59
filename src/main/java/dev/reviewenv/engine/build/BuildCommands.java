package dev.reviewenv.engine.build;

import dev.reviewenv.config.Limits;
import dev.reviewenv.engine.docker.Labels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Builds the argv of one sandboxed build: {@code docker run} of reviewenv's builder image (Debian's
 * buildah, see {@link BuilderImage}) on the environment's build network, with its limits, its
 * repository's own storage, the checkout read-only, and nothing else of the host; inside it,
 * {@code buildah build} with chroot isolation. It never runs anything; {@link Sandbox} does.
 *
 * @param logSize  the most one container log file may hold ({@code 10m}); {@code logFiles} of them are kept
 */
public record BuildCommands(Duration timeout, String logSize, int logFiles) {
    /** Where the checkout is, read-only, inside the builder. */
    static final String CHECKOUT = "/context";
    /** What reviewenv hands the builder: archives of local base images, inline Dockerfiles. */
    static final String IN = "/in";
    /** Where the builder writes the image, as a docker-archive. */
    static final String OUT = "/out";
    /** The repository's own image store and cache, a Docker volume. */
    static final String STORAGE = "/var/lib/containers";
    /** Marks the builder's containers (beside the environment's labels, so a sweep takes a leftover). */
    public static final String ROLE = "dev.reviewenv.role";
    /** The name of one build's container, as a label too (so it is found by label, never by a name someone else chose). */
    public static final String NAME = "dev.reviewenv.build";

    /** A local image handed to the builder: its archive (under {@code in}) and the reference it gets. */
    public record LocalImage(String archive, String reference) {
    }

    /**
     * The {@code docker run} of the build of {@code spec} in the container {@code container} of the
     * image {@code builderImage} on the
     * network {@code network}, storing in the volume {@code storage}; {@code in} and {@code out} are
     * directories of reviewenv's own.
     */
    public List<String> run(BuildSpec spec, String builderImage, String container, String network, String storage, Path in,
            Path out, List<LocalImage> locals) {
        Limits l = spec.limits();
        List<String> argv = new ArrayList<>(List.of("docker", "run", "--rm", "--name", container,
                "--label", Labels.ENVIRONMENT + "=" + spec.environment().value(),
                "--label", Labels.COMPOSE_PROJECT + "=" + spec.environment().value(),
                "--label", ROLE + "=build", "--label", NAME + "=" + container,
                "--network", network,
                "--memory", Long.toString(l.memory()), "--memory-swap", Long.toString(l.memory()),
                "--cpus", l.cpusText(), "--pids-limit", Long.toString(l.pids()),
                // buildah makes mount namespaces and chroots; RUN steps get neither capability back.
                "--cap-add", "SYS_ADMIN", "--cap-drop", "NET_RAW", "--security-opt", "apparmor=unconfined",
                "--log-opt", "max-size=" + logSize, "--log-opt", "max-file=" + logFiles,
                "--mount", "type=volume,source=" + storage + ",target=" + STORAGE,
                "--mount", "type=bind,source=" + spec.checkout() + ",target=" + CHECKOUT + ",readonly",
                "--mount", "type=bind,source=" + in + ",target=" + IN + ",readonly",
                "--mount", "type=bind,source=" + out + ",target=" + OUT,
                builderImage, BuilderImage.ENTRY, Long.toString(Math.max(1, timeout.toSeconds()))));
        for (LocalImage local : locals) {
            argv.add(IN + "/" + local.archive());
            argv.add(local.reference());
        }
        argv.add("--");
        argv.addAll(buildah(spec));
        return argv;
    }

    /** The arguments of {@code buildah build} for {@code spec}, paths as the builder sees them. */
    public List<String> buildah(BuildSpec spec) {
        List<String> a = new ArrayList<>(List.of("--isolation", "chroot", "--layers", "--cap-drop", "SYS_CHROOT",
                "--format", "docker", "--pull=" + (spec.pull() ? "always" : "missing")));
        new TreeMap<>(spec.labels()).forEach((k, v) -> a.addAll(List.of("--label", k + "=" + v)));
        // Only the names: the values are in a file of the builder's (see ARGS), never on a command line.
        new TreeMap<>(spec.args()).keySet().forEach(k -> a.addAll(List.of("--build-arg", k)));
        spec.target().ifPresent(t -> a.addAll(List.of("--target", t)));
        if (spec.noCache()) {
            a.add("--no-cache");
        }
        spec.shmSize().ifPresent(s -> a.addAll(List.of("--shm-size", s)));
        spec.extraHosts().forEach(h -> a.addAll(List.of("--add-host", h)));
        spec.ulimits().forEach(u -> a.addAll(List.of("--ulimit", u)));
        if (spec.noNetwork()) {
            a.addAll(List.of("--network", "none"));
        }
        new TreeMap<>(spec.secrets()).forEach((id, file) -> a.addAll(List.of("--secret", "id=" + id + ",src=" + inside(spec, file))));
        new TreeMap<>(spec.contexts()).forEach((n, c) -> a.addAll(List.of("--build-context",
                n + "=" + (c.startsWith("docker-image://") || c.startsWith("https://") || c.startsWith("http://") ? c
                        : inside(spec, Path.of(c))))));
        if (spec.inline().isPresent()) {
            a.addAll(List.of("-f", IN + "/" + INLINE));
        } else {
            spec.dockerfile().ifPresent(f -> a.addAll(List.of("-f", inside(spec, f))));
        }
        a.addAll(List.of("-t", spec.image()));
        a.add(spec.remoteContext() ? spec.context() : inside(spec, Path.of(spec.context())));
        return a;
    }

    /**
     * The file the build arguments' values are handed over in, under {@link #IN}: {@code NAME=value}
     * a line; the entry script puts them in buildah's environment, where {@code --build-arg NAME} finds
     * them. A value can be one of the operator's secrets: a command line is anyone's to read.
     */
    static final String ARGS = "build-args";

    /** The file an inline Dockerfile is handed over in, under {@link #IN}. */
    static final String INLINE = "Dockerfile.inline";

    /** Where a path of the checkout is inside the builder; refuses one that is not in the checkout. */
    static String inside(BuildSpec spec, Path hostPath) {
        Path p = hostPath.normalize();
        if (!p.startsWith(spec.checkout())) {
            throw new IllegalArgumentException(hostPath + " is not in the checkout " + spec.checkout());
        }
        String rel = spec.checkout().relativize(p).toString();
        return rel.isEmpty() ? CHECKOUT : CHECKOUT + "/" + rel;
    }
}
