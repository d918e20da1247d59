package dev.reviewenv.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.CowDaemon;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The volume copier against real engines. On a copy-on-write data root (a daemon of the test's own
 * on btrfs, and on XFS with reflink: {@link CowDaemon}) a volume of 1 GiB is copied by reflink in
 * under a second and the copy takes next to no space, yet it is a copy: the same files, owners and
 * modes, its own labels, and writing to it leaves the base as it was; a container that uses the base
 * is paused for the copy and runs again after. On this machine's own daemon (overlay2 on ext4) the
 * same volume is copied plainly, with the same content.
 */
class VolumeCopyTest {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final String IMAGE = "reviewenv/busybox:local";
    private static final String HOST_DAEMON = "unix:///var/run/docker.sock";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Docker daemon as the docker CLI reaches it, and what the test made on it (removed by {@link #clean}). */
    private static final class Daemon {
        final String host;
        final List<String> volumes = new ArrayList<>();
        final List<String> containers = new ArrayList<>();

        Daemon(String host) {
            this.host = host;
        }

        String docker(String... args) {
            List<String> argv = new ArrayList<>(List.of("docker", "-H", host));
            argv.addAll(List.of(args));
            return Cmd.ok(argv.toArray(String[]::new));
        }

        /** Runs a busybox applet in a throwaway container with {@code volume} at /v; its output. */
        String busybox(String volume, String... applet) {
            List<String> argv = new ArrayList<>(List.of("run", "--rm", "-v", volume + ":/v", IMAGE, "busybox"));
            argv.addAll(List.of(applet));
            return docker(argv.toArray(String[]::new));
        }

        String sh(String volume, String script) {
            return busybox(volume, "sh", "-c", script);
        }

        /** A volume holding {@code mib} MiB of random bytes in /blob (not sparse) and a few small files with owners, modes, a link. */
        String filled(long mib) {
            String v = "reviewenv-copytest-" + UUID.randomUUID().toString().substring(0, 8);
            volumes.add(v);
            docker("volume", "create", v);
            sh(v, "set -e; busybox dd if=/dev/urandom of=/v/blob bs=1M count=" + mib + " 2>/dev/null;"
                    + " busybox mkdir -p /v/etc/deep; echo secret > /v/etc/deep/key; busybox chown 999:998 /v/etc/deep/key;"
                    + " busybox chmod 640 /v/etc/deep/key; busybox ln -s deep/key /v/etc/link; busybox chmod 1777 /v/etc");
            long onDisk = Long.parseLong(busybox(v, "du", "-sk", "/v/blob").split("\\s+")[0]) * 1024;
            assertTrue(onDisk >= mib * MIB, "the base's data takes its size on disk (not sparse): " + onDisk);
            return v;
        }

        /** Every path of the volume with its type, owner and mode, and a checksum of every file: what a copy must keep. */
        String tree(String volume) {
            return sh(volume, "cd /v && busybox find . | busybox sort | while read -r p; do"
                    + " busybox stat -c '%n %F %u:%g %a %N' \"$p\"; done; busybox find . -type f | busybox sort | busybox xargs busybox md5sum");
        }

        String md5(String volume) {
            return busybox(volume, "md5sum", "/v/blob").split("\\s+")[0];
        }

        JsonNode labels(String volume) throws Exception {
            return JSON.readTree(docker("volume", "inspect", "-f", "{{json .Labels}}", volume));
        }

        void clean() {
            for (String c : containers) {
                Cmd.run(null, Map.of(), "docker", "-H", host, "rm", "-f", c);
            }
            for (String v : volumes) {
                Cmd.run(null, Map.of(), "docker", "-H", host, "volume", "rm", "-f", v);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CowDaemon.FileSystem.class)
    void onACopyOnWriteDataRootAGibibyteIsCopiedByReflinkInUnderASecondAndTakesNoSpace(CowDaemon.FileSystem fs) throws Exception {
        try (CowDaemon cow = CowDaemon.start(fs); DockerEngine engine = new DockerEngine(cow.host(), Clock.systemUTC())) {
            Daemon d = new Daemon(cow.host());
            try {
                String base = d.filled(1024);
                String user = "reviewenv-copytest-user-" + UUID.randomUUID().toString().substring(0, 8);
                d.containers.add(user);
                d.docker("run", "-d", "--init", "--name", user, "-v", base + ":/data", IMAGE, "sleep", "3600");
                String baseTree = d.tree(base);
                String baseSum = d.md5(base);

                DockerVolumes.Measured measured = engine.volumes().measure(base, Duration.ofMinutes(2)); // also makes the copier image
                assertTrue(measured.reflink(), fs + " shares blocks: " + measured);
                assertTrue(measured.bytes() >= GIB && measured.bytes() < GIB + 16 * MIB, "du of the base: " + measured);

                String copy = base + "-copy";
                d.volumes.add(copy);
                Map<String, String> labels = Map.of(Labels.ENVIRONMENT, "copytest", "dev.reviewenv.test", "volume-copy");
                long freeBefore = cow.freeBytes();
                long t0 = System.nanoTime();
                DockerVolumes.Copied copied = engine.volumes().copy(base, copy, labels, measured, Duration.ofMinutes(2));
                Duration wall = Duration.ofNanos(System.nanoTime() - t0);
                long used = freeBefore - cow.freeBytes();

                assertTrue(copied.reflink(), "copied by reflink: " + copied);
                assertEquals(measured.bytes(), copied.bytes());
                assertTrue(copied.took().compareTo(Duration.ofSeconds(1)) < 0, "the copy says it took " + copied.took());
                assertTrue(wall.compareTo(Duration.ofSeconds(1)) < 0, "the copy took " + wall + " by the test's clock");
                assertTrue(used < 100 * MIB, "a reflinked GiB takes next to no space on " + fs + ": " + used / MIB + " MiB");
                assertEquals(List.of(user), copied.paused(), "the base's running user was paused for the copy");
                assertEquals("running false", d.docker("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", user).strip(),
                        "and runs again after it");

                assertEquals(baseTree, d.tree(copy), "the copy holds the same files, owners, modes and links");
                assertEquals("copytest", d.labels(copy).path(Labels.ENVIRONMENT).asText());
                assertEquals("volume-copy", d.labels(copy).path("dev.reviewenv.test").asText());

                d.sh(copy, "echo changed | busybox dd of=/v/blob conv=notrunc 2>/dev/null; echo new > /v/etc/new; busybox rm /v/etc/deep/key");
                assertNotEquals(baseSum, d.md5(copy), "the copy was written to");
                assertEquals(baseSum, d.md5(base), "writing to the copy leaves the base's blocks as they were");
                assertEquals(baseTree, d.tree(base), "and its files");

                // The whole of what a deploy asks for: measure (du, and a reflink tried) and copy.
                String again = base + "-again";
                d.volumes.add(again);
                long t1 = System.nanoTime();
                DockerVolumes.Copied whole = engine.volumes().copy(base, again, labels);
                Duration wallWhole = Duration.ofNanos(System.nanoTime() - t1);
                assertTrue(whole.reflink() && wallWhole.compareTo(Duration.ofSeconds(2)) < 0,
                        "measured and copied by reflink in " + wallWhole + ": " + whole);
                System.out.printf("VolumeCopyTest %s: %d bytes copied by reflink: took %d ms (copy's own), %d ms (test's clock),"
                        + " %d ms measured and copied; %d KiB of free space used%n", fs, copied.bytes(), copied.took().toMillis(),
                        wall.toMillis(), wallWhole.toMillis(), used / 1024);

                assertThrows(IllegalStateException.class, () -> engine.volumes().copy(base, copy, labels),
                        "a copy never writes into a volume that is there already");
                assertEquals("", d.docker("ps", "-aq", "--filter", "label=" + DockerVolumes.LABEL).strip(),
                        "no copier container is left");
                assertEquals("", d.docker("volume", "ls", "-q", "--filter", "label=" + DockerVolumes.LABEL + "=probe").strip(),
                        "no probe volume is left");
            } finally {
                d.clean();
            }
        }
    }

    @Test
    void onTheHostsOverlay2OnExt4TheCopyIsAPlainOneWithTheSameContent() throws Exception {
        Daemon d = new Daemon(HOST_DAEMON);
        assertEquals("overlay2 extfs", d.docker("info", "--format",
                "{{.Driver}} {{range .DriverStatus}}{{if eq (index . 0) \"Backing Filesystem\"}}{{index . 1}}{{end}}{{end}}").strip(),
                "the machine's daemon is the ordinary one this test stands for");
        String imagesBefore = d.docker("images", "-q", "--filter", "label=" + DockerVolumes.LABEL);
        try (DockerEngine engine = new DockerEngine(HOST_DAEMON, Clock.systemUTC())) {
            String base = d.filled(1024);
            String baseTree = d.tree(base);
            String copy = base + "-copy";
            d.volumes.add(copy);
            DockerVolumes.Copied copied = engine.volumes().copy(base, copy, Map.of(Labels.ENVIRONMENT, "copytest"));
            assertFalse(copied.reflink(), "ext4 shares no blocks: " + copied);
            System.out.printf("VolumeCopyTest overlay2/ext4: %d bytes copied plainly in %d ms%n", copied.bytes(), copied.took().toMillis());
            assertTrue(copied.bytes() >= GIB && copied.bytes() < GIB + 16 * MIB, "du of the base: " + copied);
            assertEquals(List.of(), copied.paused(), "nothing used the base");
            assertEquals(baseTree, d.tree(copy), "the copy holds the same files, owners, modes and links");
            assertEquals("copytest", d.labels(copy).path(Labels.ENVIRONMENT).asText());
            String baseSum = d.md5(base);
            d.sh(copy, "echo changed | busybox dd of=/v/blob conv=notrunc 2>/dev/null");
            assertNotEquals(baseSum, d.md5(copy));
            assertEquals(baseSum, d.md5(base), "writing to the copy leaves the base as it was");
        } finally {
            d.clean();
            if (imagesBefore.isBlank()) { // the copier image this test made; the service makes it again when it needs it
                for (String image : Cmd.lines(d.docker("images", "-q", "--filter", "label=" + DockerVolumes.LABEL))) {
                    Cmd.run(null, Map.of(), "docker", "rmi", "-f", image);
                }
            }
        }
    }
}
