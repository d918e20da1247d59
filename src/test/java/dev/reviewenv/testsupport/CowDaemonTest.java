package dev.reviewenv.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seeding tests' second daemon is what they take it for, and costs the machine nothing: its
 * data root is on the copy-on-write file system asked for, a reflink works there, it runs the test
 * image, and neither while it runs nor after it the machine's daemon, firewall, links or containers
 * change; after {@link CowDaemon#close()} no mount, loop device, namespace or file of it is left.
 */
class CowDaemonTest {
    @ParameterizedTest
    @EnumSource(CowDaemon.FileSystem.class)
    void itRunsOnItsOwnCopyOnWriteFileSystemAndLeavesTheHostAsItWas(CowDaemon.FileSystem fs) throws Exception {
        Host before = Host.now();
        Path dir;
        String netns;
        try (CowDaemon cow = CowDaemon.start(fs)) {
            dir = cow.mount().getParent();
            netns = Cmd.ok("ip", "netns", "identify", Long.toString(daemonPid(dir))).strip();
            assertTrue(netns.startsWith("rvcow"), "the daemon runs in a network namespace of its own, not the machine's: '" + netns + "'");
            String driver = cow.docker("info", "--format", "{{.Driver}} {{.DockerRootDir}}").strip();
            assertEquals((fs == CowDaemon.FileSystem.BTRFS ? "btrfs " : "overlay2 ") + cow.dataRoot(), driver);
            assertEquals(fs.name().toLowerCase(), Cmd.ok("findmnt", "-n", "-o", "FSTYPE", "--target", cow.dataRoot().toString()).strip());

            cow.docker("volume", "create", "probe");
            Path data = cow.volumeData("probe");
            Cmd.ok("dd", "if=/dev/urandom", "of=" + data.resolve("a"), "bs=1M", "count=8", "status=none");
            Cmd.ok("cp", "--reflink=always", data.resolve("a").toString(), data.resolve("b").toString());
            String sums = cow.docker("run", "--rm", "-v", "probe:/v", "reviewenv/busybox:local", "busybox", "md5sum", "/v/a", "/v/b");
            List<String> two = sums.lines().map(l -> l.split("\\s+")[0]).toList();
            assertEquals(2, two.size(), sums);
            assertEquals(two.get(0), two.get(1), "the daemon's container reads the reflinked file: " + sums);

            assertEquals(before, Host.now(), "the machine's daemon, firewall and links are as they were while it runs");
        }
        assertEquals(before, Host.now(), "and after it");
        assertFalse(Files.exists(dir), dir + " is removed");
        assertFalse(Cmd.ok("cat", "/proc/mounts").contains(dir.toString()), "nothing of it stays mounted");
        assertFalse(Cmd.ok("losetup", "-a").contains(dir.toString()), "no loop device stays on its disk image");
        assertFalse(Cmd.ok("ip", "netns", "list").contains(netns), "its namespace " + netns + " is removed");
        assertTrue(Cmd.run(null, Map.of(), "sh", "-c", "ls -d /sys/fs/cgroup/*/" + netns).code() != 0, "so are its cgroups");
    }

    private static long daemonPid(Path dir) throws Exception {
        return Long.parseLong(Files.readString(dir.resolve("docker.pid")).strip());
    }

    /** What of the machine a second daemon could disturb. */
    private record Host(String containers, String networks, String filter, String nat, String links) {
        static Host now() {
            return new Host(Cmd.ok("docker", "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.State}}"),
                    Cmd.ok("docker", "network", "ls", "-q"),
                    Cmd.ok("iptables", "-S"), Cmd.ok("iptables", "-t", "nat", "-S"),
                    Cmd.ok("ip", "-o", "link", "show").replaceAll("<[^>]*>|state \\S+|qdisc \\S+", ""));
        }
    }
}
