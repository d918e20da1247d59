package dev.reviewenv.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A forge's SSH git service for a test: Debian's {@code sshd} of its own on a loopback port (never
 * the system's), with a host key made for it, taking one client key; {@code git-upload-pack} serves
 * the bare repositories as they are on disk. {@link #knownHosts()} is its line for a known_hosts file.
 */
public final class SshServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private SshServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts one in {@code dir} (made empty for it), with a client key of its own ({@link #clientKey()}). */
    public static SshServer start(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
            Cmd.ok("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", dir.resolve("host_key").toString());
            Cmd.ok("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", dir.resolve("client_key").toString());
            Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
            int port = RedisServer.freePort();
            Files.writeString(dir.resolve("sshd_config"), String.join("\n", List.of("Port " + port, "ListenAddress 127.0.0.1",
                    "HostKey " + dir.resolve("host_key"), "PidFile " + dir.resolve("sshd.pid"),
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", "PermitRootLogin prohibit-password",
                    "StrictModes no", "UsePAM no", "")), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            SshServer server = new SshServer(dir, port, p);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (true) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return server;
                } catch (IOException notYet) {
                    if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                        server.close();
                        throw new IllegalStateException("sshd did not start:\n" + Files.readString(dir.resolve("sshd.log")));
                    }
                    Thread.sleep(50);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The clone URL of a bare repository at {@code path} on this host. */
    public String url(Path path) {
        return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + path.toAbsolutePath();
    }

    public Path clientKey() {
        return dir.resolve("client_key");
    }

    /** The known_hosts line of this server's host key. */
    public String knownHosts() {
        try {
            String[] key = Files.readString(dir.resolve("host_key.pub")).strip().split("\\s+");
            return "[127.0.0.1]:" + port + " " + key[0] + " " + key[1] + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
