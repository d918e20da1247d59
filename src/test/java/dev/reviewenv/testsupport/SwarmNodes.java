package dev.reviewenv.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A swarm of several nodes on this one machine: a Docker daemon per node, each in a network
 * namespace of its own ({@code rvmn<i>}, joined to the host by a veth on the bridge {@code rvmn0},
 * 10.231.0.0/24; the host is 10.231.0.1) with its own data root, exec root, socket, cgroup parent
 * and host name. Node 1 is the manager, the others join as workers. The daemons are entered with
 * {@code nsenter --net} (not {@code ip netns exec}, which remounts /sys and hides the cgroups
 * Docker needs) and each one's real PID is kept. Daemons trust registries on the bridge without
 * TLS. {@link #close()} stops every daemon (SIGTERM, waited for), and removes the namespaces, the
 * bridge, the firewall rule and the data roots.
 */
public final class SwarmNodes implements AutoCloseable {
    public static final String HOST_ADDRESS = "10.231.0.1";
    private static final String BRIDGE = "rvmn0";
    private static final Path ROOT = Path.of("/var/lib/reviewenv-test-nodes");

    private final Path dir;
    private final List<Process> daemons = new ArrayList<>();
    private final int count;

    private SwarmNodes(Path dir, int count) {
        this.dir = dir;
        this.count = count;
    }

    /** Makes {@code count} nodes and the swarm of them; fails (after cleaning up) when any part does not come up. */
    public static SwarmNodes start(int count) {
        SwarmNodes nodes = null;
        try {
            nodes = new SwarmNodes(Files.createDirectories(ROOT.resolve(UUID.randomUUID().toString().substring(0, 8))), count);
            nodes.network();
            for (int i = 1; i <= count; i++) {
                nodes.daemon(i);
            }
            nodes.docker(1, "swarm", "init", "--advertise-addr", address(1));
            String token = nodes.docker(1, "swarm", "join-token", "-q", "worker").strip();
            for (int i = 2; i <= count; i++) {
                nodes.docker(i, "swarm", "join", "--token", token, address(1) + ":2377");
            }
            nodes.awaitReady(count);
            return nodes;
        } catch (IOException | RuntimeException e) {
            if (nodes != null) {
                nodes.close();
            }
            throw new IllegalStateException("cannot make a swarm of " + count + " nodes here: " + e.getMessage(), e);
        }
    }

    /** The address of node {@code i} on the bridge. */
    public static String address(int i) {
        return "10.231.0." + (10 + i);
    }

    /** The host name node {@code i} has in the swarm. */
    public static String hostname(int i) {
        return "rvmn" + i;
    }

    /** {@code unix://...} of node {@code i}'s daemon, for DOCKER_HOST. */
    public String socket(int i) {
        return "unix://" + dir.resolve("n" + i).resolve("docker.sock");
    }

    /** Runs {@code docker} against node {@code i}; fails on a non-zero exit. */
    public String docker(int i, String... args) {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", socket(i)));
        argv.addAll(List.of(args));
        return Cmd.ok(argv.toArray(String[]::new));
    }

    /** Runs {@code docker} against node {@code i} and returns what came of it, whatever the exit. */
    public Cmd.Out tryDocker(int i, String... args) {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", socket(i)));
        argv.addAll(List.of(args));
        return Cmd.run(null, Map.of(), argv.toArray(String[]::new));
    }

    /** Copies an image of this machine's engine into the engines of {@code nodes}. */
    public void load(String image, int... nodes) {
        Path tar = dir.resolve("image.tar");
        Cmd.ok("docker", "save", "-o", tar.toString(), image);
        for (int i : nodes) {
            docker(i, "load", "-q", "-i", tar.toString());
        }
        Cmd.run(null, Map.of(), "rm", "-f", tar.toString());
    }

    /** Stops node {@code i}'s daemon as a shutdown of that machine would (its containers stop with it). */
    public void stop(int i) {
        Process p = daemons.get(i - 1);
        p.destroy();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void network() {
        Cmd.ok("ip", "link", "add", BRIDGE, "type", "bridge");
        Cmd.ok("ip", "addr", "add", HOST_ADDRESS + "/24", "dev", BRIDGE);
        Cmd.ok("ip", "link", "set", BRIDGE, "up");
        // Docker's FORWARD policy drops bridged traffic; DOCKER-USER is where an operator lets some through.
        Cmd.ok("iptables", "-I", "DOCKER-USER", "-i", BRIDGE, "-o", BRIDGE, "-j", "ACCEPT");
        for (int i = 1; i <= count; i++) {
            String ns = hostname(i);
            Cmd.ok("ip", "netns", "add", ns);
            Cmd.ok("ip", "link", "add", ns + "h", "type", "veth", "peer", "name", ns + "n");
            Cmd.ok("ip", "link", "set", ns + "h", "master", BRIDGE, "up");
            Cmd.ok("ip", "link", "set", ns + "n", "netns", ns);
            Cmd.ok("ip", "-n", ns, "link", "set", ns + "n", "name", "eth0");
            Cmd.ok("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            Cmd.ok("ip", "-n", ns, "link", "set", "eth0", "up");
            Cmd.ok("ip", "-n", ns, "link", "set", "lo", "up");
            Cmd.ok("ip", "-n", ns, "route", "add", "default", "via", HOST_ADDRESS);
        }
    }

    private void daemon(int i) throws IOException {
        Path node = Files.createDirectories(dir.resolve("n" + i));
        Files.writeString(node.resolve("daemon.json"), "{}\n"); // not the machine's /etc/docker/daemon.json
        String dockerd = String.join(" ", "exec dockerd", "--config-file", node.resolve("daemon.json").toString(),
                "--data-root", node.resolve("data").toString(), "--exec-root", node.resolve("exec").toString(),
                "--pidfile", node.resolve("docker.pid").toString(), "-H", "unix:///var/run/docker.sock", "-H", socket(i),
                "--insecure-registry", "10.231.0.0/24", "--cgroup-parent", hostname(i));
        // Each node has its own /run (a tmpfs in a mount namespace of its own), so /var/run/docker.sock there
        // is the node's own socket, as on a machine of its own; nsenter and unshare exec what they run, and sh
        // execs dockerd: the PID kept is the daemon's.
        ProcessBuilder pb = new ProcessBuilder("nsenter", "--net=/run/netns/" + hostname(i), "unshare", "--uts", "--mount",
                "sh", "-c", "hostname " + hostname(i) + " && mount -t tmpfs tmpfs /run && " + dockerd)
                .redirectErrorStream(true).redirectOutput(node.resolve("dockerd.log").toFile());
        daemons.add(pb.start());
        Instant deadline = Instant.now().plusSeconds(60);
        while (tryDocker(i, "version", "--format", "{{.Server.Version}}").code() != 0) {
            if (Instant.now().isAfter(deadline) || !daemons.get(i - 1).isAlive()) {
                throw new IllegalStateException("the daemon of node " + i + " did not start: "
                        + Files.readString(node.resolve("dockerd.log")).lines().reduce((a, b) -> b).orElse(""));
            }
            Api.sleep(200);
        }
    }

    private void awaitReady(int n) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Cmd.lines(docker(1, "node", "ls", "--format", "{{.Status}}")).stream().filter("Ready"::equals).count() < n) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("not every node is ready: " + docker(1, "node", "ls"));
            }
            Api.sleep(300);
        }
    }

    @Override
    public void close() {
        for (int i = daemons.size(); i >= 1; i--) {
            stop(i);
        }
        for (String line : Cmd.lines(Cmd.run(null, Map.of(), "cat", "/proc/mounts").text())) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].startsWith(dir.toString())) {
                Cmd.run(null, Map.of(), "umount", "-l", f[1]);
            }
        }
        for (int i = 1; i <= count; i++) {
            Cmd.run(null, Map.of(), "ip", "netns", "del", hostname(i));
            Cmd.run(null, Map.of(), "sh", "-c", "for c in /sys/fs/cgroup/*/" + hostname(i)
                    + "; do [ -d \"$c\" ] && find \"$c\" -depth -type d -exec rmdir {} + ; done; true");
        }
        Cmd.run(null, Map.of(), "ip", "link", "del", BRIDGE);
        Cmd.run(null, Map.of(), "iptables", "-D", "DOCKER-USER", "-i", BRIDGE, "-o", BRIDGE, "-j", "ACCEPT");
        Cmd.run(null, Map.of(), "rm", "-rf", dir.toString());
        Cmd.run(null, Map.of(), "rmdir", ROOT.toString()); // when no other swarm of nodes uses it
    }
}
