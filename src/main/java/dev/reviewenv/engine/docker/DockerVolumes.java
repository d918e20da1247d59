package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.reviewenv.engine.process.HostBinaries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Copies of volumes, made on the Docker engine by a container of reviewenv's own: the host's GNU
 * {@code cp} (with {@code --reflink}, so a copy-on-write file system such as btrfs or XFS shares the
 * blocks and a large volume costs about as much as a small one), {@code du} and a static busybox,
 * in an image made from those files alone ({@code reviewenv/copier:<hash>}). The container gets no
 * network, a read-only root, the source volume read-only, and only the capabilities a faithful copy
 * needs (owners, modes, file capabilities; no {@code MKNOD}: a device node in a volume fails its copy). The service itself never needs to read Docker's data
 * root, which is root's. Only plain {@code local} volumes are copied; the running containers that
 * mount the source are paused for the copy and resumed after, whatever happens.
 */
public class DockerVolumes {
    /** Marks reviewenv's copier image, its containers and its probe volumes. */
    public static final String LABEL = "dev.reviewenv.copier";
    private static final Path CP = Path.of("/bin/cp");
    private static final Path DU = Path.of("/usr/bin/du");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    /** The most of a copier's output kept for a failure report. */
    private static final int TAIL = 20;

    private final DockerClient client;
    private final Clock clock;
    private volatile String image;

    DockerVolumes(DockerClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /**
     * How much a volume holds on disk, whether a copy on the engine's volume file system shares
     * blocks, and how long measuring it took, with writing its files' pending data to disk where a
     * reflink will be made.
     */
    public record Measured(long bytes, boolean reflink, Duration took) {
    }

    /** A copy made: the bytes copied, whether by reflink, how long it took, and the containers paused meanwhile. */
    public record Copied(long bytes, boolean reflink, Duration took, List<String> paused) {
    }

    /**
     * Measures {@code volume}: the bytes its files take ({@code du}) and whether a reflink works
     * where volumes live (tried in a scratch volume of reviewenv's, removed after). Where it does,
     * each file of the volume is then synced to disk: a reflink first writes out what the source
     * has not written yet (btrfs and XFS both do), which for a GiB just written takes seconds to
     * half a minute on a busy disk. Done here, before anything is paused, that wait is not part
     * of the pause the copy needs; only what is written between the two is left for the copy.
     */
    public Measured measure(String volume, Duration bound) {
        return measure(volume, Map.of(), bound);
    }

    /**
     * The same, the probe volume and the copier's container also carrying {@code labels} (those of
     * the environment the copy is for): one a service killed meanwhile leaves behind is swept with
     * that environment.
     */
    public Measured measure(String volume, Map<String, String> labels, Duration bound) {
        requirePlainLocal(volume);
        String probe = "reviewenv-copier-probe-" + java.util.UUID.randomUUID().toString().substring(0, 12);
        Map<String, String> own = new LinkedHashMap<>(labels);
        own.put(LABEL, "probe");
        client.createVolumeCmd().withName(probe).withLabels(own).exec();
        try {
            Instant start = clock.instant();
            List<String> out = run(volume, probe, own, MEASURE, bound);
            long bytes = -1;
            Boolean reflink = null;
            boolean flushed = false;
            for (String line : out) {
                String[] words = line.trim().split("\\s+");
                if (words.length >= 2 && words[1].equals("/from")) {
                    bytes = Long.parseLong(words[0]);
                } else if (line.startsWith("reflink ")) {
                    reflink = line.endsWith("yes");
                } else if (line.equals("flushed")) {
                    flushed = true;
                }
            }
            if (bytes < 0 || reflink == null || reflink && !flushed) {
                throw new IllegalStateException("the copier did not say how large volume " + volume + " is: " + out);
            }
            return new Measured(bytes, reflink, Duration.between(start, clock.instant()));
        } finally {
            removeQuietly(probe);
        }
    }

    /** Copies {@code from} into {@code to} (created here with {@code labels}; it must not exist), bytes and all. */
    public Copied copy(String from, String to, Map<String, String> labels) {
        return copy(from, to, labels, measure(from, Duration.ofMinutes(10)), Duration.ofMinutes(30));
    }

    /**
     * Copies {@code from} into a new volume {@code to} carrying {@code labels}, as {@code measured}
     * said (by reflink, or a plain copy), within {@code bound}. The running containers that mount
     * {@code from} are paused while the copy runs and resumed after, also when it fails. Fails when
     * {@code to} exists: the copy only ever makes a volume of its own.
     */
    public Copied copy(String from, String to, Map<String, String> labels, Measured measured, Duration bound) {
        requirePlainLocal(from);
        if (exists(to)) {
            throw new IllegalStateException("volume " + to + " exists already; a copy only makes a volume of its own");
        }
        client.createVolumeCmd().withName(to).withLabels(labels).exec();
        Instant start = clock.instant();
        List<Container> users = client.listContainersCmd().withFilter("volume", List.of(from))
                .withStatusFilter(List.of("running")).exec();
        List<String> paused = new ArrayList<>();
        try {
            for (Container c : users) {
                client.pauseContainerCmd(c.getId()).exec();
                paused.add(name(c));
            }
            run(from, to, labels, measured.reflink() ? COPY_REFLINK : COPY_PLAIN, bound);
        } finally {
            resume(users);
        }
        return new Copied(measured.bytes(), measured.reflink(), Duration.between(start, clock.instant()), paused);
    }

    /** Resumes each container that was paused; one that fails is tried again, and the first failure is thrown after all were tried. */
    private void resume(List<Container> users) {
        RuntimeException failed = null;
        for (Container c : users) {
            for (int attempt = 1; ; attempt++) {
                try {
                    if (Boolean.TRUE.equals(client.inspectContainerCmd(c.getId()).exec().getState().getPaused())) {
                        client.unpauseContainerCmd(c.getId()).exec();
                    }
                    break;
                } catch (NotFoundException gone) {
                    break;
                } catch (RuntimeException e) {
                    if (attempt == 3) {
                        failed = failed == null ? new IllegalStateException("cannot resume " + name(c) + " after the copy: "
                                + e.getMessage(), e) : failed;
                        break;
                    }
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Resumes every paused container that carries all of {@code labels}; returns their names. */
    public List<String> resumePaused(Map<String, String> labels) {
        List<Container> paused = client.listContainersCmd().withLabelFilter(labels).withStatusFilter(List.of("paused")).exec();
        resume(paused);
        return paused.stream().map(DockerVolumes::name).toList();
    }

    /** Whether a volume of that name is there. */
    public boolean exists(String volume) {
        try {
            client.inspectVolumeCmd(volume).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void requirePlainLocal(String volume) {
        InspectVolumeResponse v;
        try {
            v = client.inspectVolumeCmd(volume).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("volume " + volume + " is not there to copy");
        }
        if (!"local".equals(v.getDriver()) || v.getOptions() != null && !v.getOptions().isEmpty()) {
            throw new IllegalStateException("volume " + volume + " is not a plain local volume (driver " + v.getDriver()
                    + (v.getOptions() == null || v.getOptions().isEmpty() ? "" : ", options " + v.getOptions().keySet())
                    + "); only those are copied: seed another volume, or fill it in after-create");
        }
    }

    /**
     * What the copier runs: the size, then whether a reflink works in the scratch volume, and if it
     * does, every regular file of the volume synced (fsync on each; a file it cannot sync is left to
     * the copy, which then writes it out itself).
     */
    private static final String MEASURE = "/usr/bin/du -s -B1 /from\n"
            + "busybox head -c 65536 /dev/zero > /to/probe\n"
            + "if /bin/cp --reflink=always /to/probe /to/probe2 2>/dev/null; then echo reflink yes\n"
            + "  busybox find /from -xdev -type f -exec busybox sync {} + 2>/dev/null; echo flushed\n"
            + "else echo reflink no; fi\n";
    /** Every file with its owner, modes, times, links and extended attributes; blocks shared, or the copy fails. */
    private static final String COPY_REFLINK = "set -e\n/bin/cp -a --reflink=always /from/. /to/\n";
    /** The same where blocks cannot be shared: a plain copy, sparse files kept sparse. */
    private static final String COPY_PLAIN = "set -e\n/bin/cp -a --reflink=auto --sparse=auto /from/. /to/\n";

    /** Runs {@code script} in the copier with {@code from} read-only at /from and {@code to} at /to; returns its output. */
    private List<String> run(String from, String to, Map<String, String> labels, String script, Duration bound) {
        Map<String, String> own = new LinkedHashMap<>(labels);
        own.putIfAbsent(LABEL, "copy");
        HostConfig host = HostConfig.newHostConfig()
                .withBinds(new Bind(from, new Volume("/from"), com.github.dockerjava.api.model.AccessMode.ro),
                        new Bind(to, new Volume("/to")))
                .withNetworkMode("none")
                .withReadonlyRootfs(true)
                .withCapDrop(Capability.ALL)
                .withCapAdd(Capability.CHOWN, Capability.DAC_OVERRIDE, Capability.DAC_READ_SEARCH, Capability.FOWNER,
                        Capability.FSETID, Capability.SETFCAP)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMemory(256L << 20)
                .withPidsLimit(64L);
        String id = client.createContainerCmd(image())
                .withEntrypoint("/bin/busybox", "sh", "-c", script)
                .withLabels(own)
                .withNetworkDisabled(true)
                .withHostConfig(host)
                .exec().getId();
        try {
            client.startContainerCmd(id).exec();
            Integer code;
            try {
                code = client.waitContainerCmd(id).start().awaitStatusCode(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException timedOut) {
                throw new IllegalStateException("copying volume " + from + " took longer than " + bound + "; it was stopped");
            }
            List<String> out = output(id);
            if (code == null || code != 0) {
                throw new IllegalStateException("copying volume " + from + " into " + to + " failed (exit " + code + "): "
                        + String.join("\n", out.subList(Math.max(0, out.size() - TAIL), out.size())));
            }
            return out;
        } finally {
            try {
                client.removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException ignored) {
                // gone already
            }
        }
    }

    private List<String> output(String id) {
        List<String> out = new ArrayList<>();
        try {
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    new String(frame.getPayload(), StandardCharsets.UTF_8).lines().forEach(out::add);
                }
            }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private void removeQuietly(String volume) {
        try {
            client.removeVolumeCmd(volume).exec();
        } catch (NotFoundException ignored) {
            // gone already
        }
    }

    private static String name(Container c) {
        return c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
    }

    /** The copier image, made on this engine the first time a copy needs it, tagged with a hash of what went in. */
    private synchronized String image() {
        if (image != null) {
            return image;
        }
        for (Path p : List.of(CP, DU, BUSYBOX)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: volumes are copied with the host's coreutils and busybox"
                        + " (Debian's coreutils and busybox-static packages; deploy/host-deps.sh installs them)");
            }
        }
        try {
            Path root = Files.createTempDirectory("reviewenv-copier");
            try {
                Path rootfs = Files.createDirectories(root.resolve("rootfs"));
                HostBinaries.copyWithLibraries(CP, rootfs);
                HostBinaries.copyWithLibraries(DU, rootfs);
                Files.copy(BUSYBOX, Files.createDirectories(rootfs.resolve("bin")).resolve("busybox"));
                // The scripts name /bin/cp and /usr/bin/du by path: busybox sh would run its own applets of those names.
                String ref = "reviewenv/copier:" + hash(rootfs);
                try {
                    client.inspectImageCmd(ref).exec();
                } catch (NotFoundException missing) {
                    byte[] context = context(rootfs);
                    client.buildImageCmd(new ByteArrayInputStream(context)).withTags(Set.of(ref)).withPull(false)
                            .withRemove(true).withForcerm(true).withLabels(Map.of(LABEL, "image"))
                            .exec(new BuildImageResultCallback()).awaitImageId(5, TimeUnit.MINUTES);
                }
                image = ref;
                return ref;
            } finally {
                deleteTree(root);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the copier image: " + e.getMessage(), e);
        }
    }

    /** The build context: a Dockerfile {@code FROM scratch} that copies the root in, as a tar. */
    private static byte[] context(Path rootfs) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            byte[] dockerfile = ("FROM scratch\nCOPY rootfs/ /\nENV PATH=/bin:/usr/bin\nENTRYPOINT []\n")
                    .getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry df = new TarArchiveEntry("Dockerfile");
            df.setSize(dockerfile.length);
            tar.putArchiveEntry(df);
            tar.write(dockerfile);
            tar.closeArchiveEntry();
            for (Path p : files(rootfs)) {
                String name = "rootfs/" + rootfs.relativize(p);
                TarArchiveEntry e = new TarArchiveEntry(p.toFile(), Files.isDirectory(p) ? name + "/" : name);
                e.setMode(0755); // directories, and binaries and libraries to load: all readable and executable
                tar.putArchiveEntry(e);
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
        }
        return buf.toByteArray();
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).sorted().toList();
        }
    }

    private static String hash(Path rootfs) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path p : files(rootfs)) {
                sha.update(rootfs.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
                if (Files.isRegularFile(p)) {
                    sha.update(Files.readAllBytes(p));
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
