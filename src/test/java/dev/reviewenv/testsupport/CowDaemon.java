package dev.reviewenv.testsupport;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A second Docker daemon whose data root is a copy-on-write file system (btrfs, or XFS with
 * reflink), made for a test on a loop device: a sparse file under {@code /var/tmp}, {@code mkfs},
 * {@code mount -o loop}. Seeding a volume promises a copy that takes about the same time whatever
 * its size on such a file system; this machine's own data root is ext4, so the promise can only be
 * tested on a daemon of the test's own.
 *
 * <p>It must not disturb the machine's daemon, its iptables chains, {@code docker0} or its
 * containers: it runs in a network namespace of its own ({@code rvcow<id>}; its bridge and NAT
 * rules are made there, where nothing else is), entered with {@code nsenter --net} (not {@code ip
 * netns exec}, which remounts /sys and hides the cgroups, see {@link SwarmNodes}), and in a mount
 * namespace of its own with a tmpfs on {@code /run}, so it starts a containerd of its own instead
 * of finding another one's socket. Its socket, pidfile, exec root and data root are its own, its
 * configuration file is {@code {}} (not the machine's {@code /etc/docker/daemon.json}), and its
 * containers go under the cgroup parent {@code rvcow<id>}. A client reaches it by {@link #host()}
 * (a unix socket in the file system both namespaces see). The PID kept is the daemon's: nsenter
 * and unshare exec what they run, and sh execs dockerd.
 *
 * <p>{@link #close()} stops the daemon (SIGTERM, waited for; its containers stop with it), unmounts
 * the file system (which detaches the loop device), detaches any loop device still on the file,
 * and removes the namespace, the cgroups and every file, the disk image included.
 */
public final class CowDaemon implements AutoCloseable {
    /** The file systems a data root can have here, and how each is made. */
    public enum FileSystem {
        /** {@code mkfs.btrfs}: Docker uses its btrfs storage driver; a volume is a plain directory on it. */
        BTRFS("mkfs.btrfs", "-q"),
        /** {@code mkfs.xfs -m reflink=1}: Docker uses overlay2 on it. */
        XFS("mkfs.xfs", "-q", "-m", "reflink=1");

        private final List<String> mkfs;

        FileSystem(String... mkfs) {
            this.mkfs = List.of(mkfs);
        }
    }

    /** The size of the sparse disk image; it takes on the host disk only what is written to it. */
    public static final long DISK_BYTES = 6L << 30;

    private static final Path ROOT = Path.of("/var/tmp");

    private final FileSystem fileSystem;
    private final String name;
    private final Path dir;
    private Process daemon;
    private boolean mounted;
    private boolean namespace;

    private CowDaemon(FileSystem fileSystem, String name, Path dir) {
        this.fileSystem = fileSystem;
        this.name = name;
        this.dir = dir;
    }

    /** A daemon on a fresh btrfs file system. */
    public static CowDaemon start() {
        return start(FileSystem.BTRFS);
    }

    /**
     * A daemon on a fresh file system of that kind, with the test image {@code reviewenv/busybox:local}
     * loaded from the machine's daemon; fails (after cleaning up) when any part does not come up, a
     * missing {@code mkfs} tool included.
     */
    public static CowDaemon start(FileSystem fileSystem) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        CowDaemon d = null;
        try {
            d = new CowDaemon(fileSystem, "rvcow" + id, Files.createDirectory(ROOT.resolve("reviewenv-cow-" + id)));
            d.disk();
            d.namespace();
            d.daemon();
            d.load("reviewenv/busybox:local");
            return d;
        } catch (IOException | RuntimeException e) {
            if (d != null) {
                d.close();
            }
            throw new IllegalStateException("cannot start a Docker daemon on " + fileSystem + " here: " + e.getMessage(), e);
        }
    }

    /** {@code unix://...}: the daemon's socket, for DOCKER_HOST or {@code docker -H}. */
    public String host() {
        return "unix://" + dir.resolve("docker.sock");
    }

    /** Where the copy-on-write file system is mounted. */
    public Path mount() {
        return dir.resolve("mnt");
    }

    /** The daemon's data root (on {@link #mount()}). */
    public Path dataRoot() {
        return mount().resolve("docker");
    }

    /** The directory that holds a local volume's data, as root sees it on the host. */
    public Path volumeData(String volume) {
        return dataRoot().resolve("volumes").resolve(volume).resolve("_data");
    }

    public FileSystem fileSystem() {
        return fileSystem;
    }

    /** Runs {@code docker} against this daemon; fails on a non-zero exit. */
    public String docker(String... args) {
        return Cmd.ok(argv(args));
    }

    /** Runs {@code docker} against this daemon and returns what came of it, whatever the exit. */
    public Cmd.Out tryDocker(String... args) {
        return Cmd.run(null, Map.of(), argv(args));
    }

    /** Copies an image of this machine's engine into this daemon ({@code docker save}, then {@code docker -H load}). */
    public void load(String image) {
        Path tar = dir.resolve("image.tar");
        try {
            Cmd.ok("docker", "save", "-o", tar.toString(), image);
            docker("load", "-q", "-i", tar.toString());
        } finally {
            Cmd.run(null, Map.of(), "rm", "-f", tar.toString());
        }
    }

    /**
     * The free bytes of the file system as {@code statvfs} reports them once everything written is on
     * it: btrfs accounts for written data lazily, so {@code sync} and {@code btrfs filesystem sync}
     * come first.
     */
    public long freeBytes() {
        Cmd.ok("sync");
        if (fileSystem == FileSystem.BTRFS) {
            Cmd.ok("btrfs", "filesystem", "sync", mount().toString());
        }
        try {
            FileStore store = Files.getFileStore(mount());
            return store.getUsableSpace();
        } catch (IOException e) {
            throw new AssertionError("statvfs " + mount() + ": " + e.getMessage(), e);
        }
    }

    private String[] argv(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", host()));
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    private void disk() throws IOException {
        Path image = dir.resolve("disk.img");
        Cmd.ok("truncate", "-s", Long.toString(DISK_BYTES), image.toString());
        List<String> mkfs = new ArrayList<>(fileSystem.mkfs);
        mkfs.add(image.toString());
        Cmd.ok(mkfs.toArray(String[]::new));
        Files.createDirectory(mount());
        Cmd.ok("mount", "-o", "loop", image.toString(), mount().toString());
        mounted = true;
        String type = Cmd.ok("findmnt", "-n", "-o", "FSTYPE", mount().toString()).strip();
        if (!type.equals(fileSystem.name().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException(mount() + " is " + type + ", not " + fileSystem);
        }
    }

    private void namespace() {
        Cmd.ok("ip", "netns", "add", name);
        namespace = true;
        Cmd.ok("ip", "-n", name, "link", "set", "lo", "up");
    }

    private void daemon() throws IOException {
        Files.writeString(dir.resolve("daemon.json"), "{}\n"); // not the machine's /etc/docker/daemon.json
        String dockerd = String.join(" ", "exec dockerd", "--config-file", dir.resolve("daemon.json").toString(),
                "--data-root", dataRoot().toString(), "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("docker.pid").toString(), "-H", host(), "--cgroup-parent", name);
        Path log = dir.resolve("dockerd.log");
        ProcessBuilder pb = new ProcessBuilder("nsenter", "--net=/run/netns/" + name, "unshare", "--mount",
                "sh", "-c", "mount -t tmpfs tmpfs /run && " + dockerd)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        daemon = pb.start();
        Instant deadline = Instant.now().plusSeconds(60);
        while (tryDocker("version", "--format", "{{.Server.Version}}").code() != 0) {
            if (Instant.now().isAfter(deadline) || !daemon.isAlive()) {
                throw new IllegalStateException("dockerd did not start: " + Files.readString(log).lines()
                        .reduce((a, b) -> b).orElse("(no output)"));
            }
            Api.sleep(200);
        }
        long pid = Long.parseLong(Files.readString(dir.resolve("docker.pid")).strip());
        if (pid != daemon.pid()) {
            throw new IllegalStateException("dockerd's pidfile says " + pid + ", the process kept is " + daemon.pid());
        }
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.destroy();
            try {
                if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (mounted && Cmd.run(null, Map.of(), "umount", mount().toString()).code() != 0) {
            Api.sleep(1000); // a container's last process may still hold it for a moment
            if (Cmd.run(null, Map.of(), "umount", mount().toString()).code() != 0) {
                Cmd.run(null, Map.of(), "umount", "-l", mount().toString());
            }
        }
        Path image = dir.resolve("disk.img");
        for (String line : Cmd.lines(Cmd.run(null, Map.of(), "losetup", "-j", image.toString()).text())) {
            Cmd.run(null, Map.of(), "losetup", "-d", line.substring(0, line.indexOf(':')));
        }
        if (namespace) {
            Cmd.run(null, Map.of(), "ip", "netns", "del", name);
        }
        Cmd.run(null, Map.of(), "sh", "-c", "for c in /sys/fs/cgroup/*/" + name
                + "; do [ -d \"$c\" ] && find \"$c\" -depth -type d -exec rmdir {} + ; done; true");
        Cmd.run(null, Map.of(), "rm", "-rf", dir.toString());
    }
}
