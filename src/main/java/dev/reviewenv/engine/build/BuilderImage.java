package dev.reviewenv.engine.build;

import dev.reviewenv.engine.process.CommandRunner;
import dev.reviewenv.engine.process.HostBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The image reviewenv's builds run in: nothing but the host's own {@code buildah} (Debian's, with
 * the libraries it links), a static busybox for the entry script, and a configuration of
 * reviewenv's: overlay storage under {@code /var/lib/containers} (the repository's volume),
 * short names looked up on Docker Hub, every image accepted as the host's Docker accepts them. It
 * is made on this host the first time a build needs it and tagged with a hash of what went in.
 */
public class BuilderImage {
    /** The entry script's path inside the image. */
    static final String ENTRY = "/reviewenv-build";
    /** The seccomp profile of Debian's containers-common, which buildah applies to RUN steps. */
    private static final Path SECCOMP = Path.of("/usr/share/containers/seccomp.json");
    /** Marks the image as reviewenv's. */
    static final String LABEL = "dev.reviewenv.builder";

    private final CommandRunner runner;
    private final Path buildah;
    private final Path busybox;
    private String tag;

    public BuilderImage(CommandRunner runner, Path buildah, Path busybox) {
        this.runner = runner;
        this.buildah = buildah;
        this.busybox = busybox;
    }

    /** The image's reference, made (once per content) if it is not on the host yet. */
    public synchronized String reference(Consumer<String> out) {
        if (tag != null) {
            return tag;
        }
        for (Path p : List.of(buildah, busybox)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: builds run in buildah (Debian's buildah and busybox-static"
                        + " packages; deploy/host-deps.sh and deploy/install.sh install them)");
            }
        }
        String ref = "reviewenv/builder:" + hash();
        CommandRunner.Result exists = runner.run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", ref), null, Map.of(),
                Duration.ofSeconds(30), line -> { });
        if (!exists.ok()) {
            out.accept("making the builder image " + ref + " from " + buildah);
            make(ref);
        }
        tag = ref;
        return ref;
    }

    private void make(String ref) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("reviewenv-builder");
            Path root = Files.createDirectories(dir.resolve("rootfs"));
            HostBinaries.copyWithLibraries(buildah, root);
            Path bin = Files.createDirectories(root.resolve("usr/bin"));
            Files.copy(busybox, bin.resolve("busybox"));
            for (String tool : List.of("sh", "timeout", "mkdir", "cat")) {
                Files.createSymbolicLink(bin.resolve(tool), Path.of("busybox"));
            }
            Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
            for (String d : List.of("tmp", "var/tmp", "var/lib/containers", "run", "root", "etc/containers", "usr/share/containers")) {
                Files.createDirectories(root.resolve(d));
            }
            Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(root.resolve("var/tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            for (String[] f : FILES) {
                Files.writeString(root.resolve(f[0]), f[1], StandardCharsets.UTF_8);
            }
            if (Files.isRegularFile(SECCOMP)) {
                // The seccomp filter buildah puts on every RUN step: the host's, as Podman's is.
                Files.copy(SECCOMP, root.resolve(SECCOMP.toString().substring(1)));
            }
            Path entry = root.resolve(ENTRY.substring(1));
            Files.write(entry, script());
            Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY rootfs/ /\nLABEL " + LABEL + "=image\n"
                    + "ENTRYPOINT []\n", StandardCharsets.UTF_8);
            // The host's own builder makes this image: it is reviewenv's, from files of the host, with no RUN step.
            CommandRunner.Result r = runner.run(List.of("docker", "build", "--quiet", "-t", ref, dir.toString()), null,
                    Map.of("DOCKER_BUILDKIT", "0"), Duration.ofMinutes(5), line -> { });
            if (!r.ok()) {
                throw new IllegalStateException("cannot make the builder image " + ref + ":\n" + r.tailText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the builder image: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                runner.run(List.of("rm", "-rf", dir.toString()), null, Map.of(), Duration.ofSeconds(30), line -> { });
            }
        }
    }

    private static byte[] script() {
        try (InputStream in = BuilderImage.class.getResourceAsStream("/builder/reviewenv-build")) {
            if (in == null) {
                throw new IllegalStateException("the builder's entry script is not in the service's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String hash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(buildah.toRealPath()));
            sha.update(Files.readAllBytes(busybox.toRealPath()));
            sha.update(script());
            if (Files.isRegularFile(SECCOMP)) {
                sha.update(Files.readAllBytes(SECCOMP));
            }
            for (String[] f : FILES) {
                sha.update(f[1].getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + buildah, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The files of the image's configuration: path under the root, content. */
    private static final String[][] FILES = {
        {"etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"},
        {"etc/group", "root:x:0:\n"},
        {"etc/containers/policy.json", "{\"default\": [{\"type\": \"insecureAcceptAnything\"}]}\n"},
        {"etc/containers/registries.conf", "unqualified-search-registries = [\"docker.io\"]\nshort-name-mode = \"permissive\"\n"},
        {"etc/containers/storage.conf", "[storage]\ndriver = \"overlay\"\nrunroot = \"/run/containers/storage\"\n"
                + "graphroot = \"/var/lib/containers/storage\"\n"},
        // RUN steps get these capabilities (Docker's defaults without NET_RAW, MKNOD and AUDIT_WRITE; the build
        // drops SYS_CHROOT too), under the seccomp filter of containers-common.
        {"etc/containers/containers.conf", "[containers]\nnetns = \"host\"\ndefault_capabilities = [\"CHOWN\","
                + " \"DAC_OVERRIDE\", \"FOWNER\", \"FSETID\", \"KILL\", \"NET_BIND_SERVICE\", \"SETFCAP\", \"SETGID\","
                + " \"SETPCAP\", \"SETUID\", \"SYS_CHROOT\"]\n[engine]\ncgroup_manager = \"cgroupfs\"\n"
                + "events_logger = \"none\"\n"},
    };
}
