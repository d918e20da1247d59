package dev.reviewenv.engine.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.config.CloneUrl;
import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.GitHttpServer;
import dev.reviewenv.testsupport.SshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching from a forge over real smart HTTP: {@code git http-backend} behind a server that checks the token. */
class MirrorsTest {
    static final String TOKEN = "glpat-Zq8-forge-token-5k2";

    @TempDir
    Path dir;
    Path forge;
    Path work;
    GitHttpServer server;
    Mirrors mirrors;
    final List<String> out = new ArrayList<>();

    @BeforeEach
    void setUp() {
        forge = dir.resolve("forge");
        work = dir.resolve("work");
        Cmd.ok("git", "init", "-q", "--bare", forge.resolve("team/shop.git").toString());
        Cmd.ok("git", "init", "-q", "-b", "main", work.toString());
        server = GitHttpServer.start(forge, "oauth2", TOKEN);
        mirrors = new Mirrors(dir.resolve("mirrors"), 50L << 20, Duration.ofSeconds(20));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    /** Commits a file on {@code branch} of the work tree and pushes it to the forge; the commit id. */
    String commit(String branch, String file, String text) throws Exception {
        Cmd.ok(work, Map.of(), "git", "checkout", "-q", "-B", branch);
        Files.writeString(work.resolve(file), text);
        Cmd.ok(work, Map.of(), "git", "add", file);
        Cmd.ok(work, Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@x", "GIT_COMMITTER_NAME", "t",
                "GIT_COMMITTER_EMAIL", "t@x"), "git", "commit", "-q", "-m", file);
        Cmd.ok(work, Map.of(), "git", "push", "-q", "-f", forge.resolve("team/shop.git").toString(), branch);
        return Cmd.ok(work, Map.of(), "git", "rev-parse", "HEAD").strip();
    }

    Mirrors.Remote remote(String token) {
        CloneUrl url = CloneUrl.parse(server.url("team/shop"), true, false);
        return new Mirrors.Remote(url, Optional.of("oauth2"), Optional.of(token), Optional.empty(), Optional.empty());
    }

    @Test
    void aDeliveredCommitIsFetchedIntoTheMirrorWithTheTokenAndTheNextOneUpdatesIt() throws Exception {
        String first = commit("feature/login", "a.txt", "one");
        Path mirror = mirrors.fetch("team/shop", remote(TOKEN), "refs/heads/feature/login", first, out::add);
        assertEquals(dir.resolve("mirrors/team/shop.git"), mirror);
        GitCheckout git = new GitCheckout(1 << 20, 100);
        assertEquals(first, git.branches(mirror).get("refs/heads/feature/login"));
        String second = commit("feature/login", "b.txt", "two");
        mirrors.fetch("team/shop", remote(TOKEN), "refs/heads/feature/login", second, out::add);
        assertEquals(second, git.branches(mirror).get("refs/heads/feature/login"));
        assertTrue(git.isAncestor(mirror, first, second));
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("oauth2:" + TOKEN).getBytes());
        assertTrue(server.authorizations().contains(basic), "the token went as basic auth: " + server.authorizations());
        assertTrue(out.contains("fetching refs/heads/feature/login of team/shop from " + server.url("team/shop")), out.toString());
        assertFalse(String.join("\n", out).contains(TOKEN));
    }

    @Test
    void aRefusedTokenIsSaidWithTheUrlNeverTheTokenAndIsNotTriedAgain() throws Exception {
        String commit = commit("main", "a.txt", "one");
        long started = System.nanoTime();
        GitException refused = assertThrows(GitException.class,
                () -> mirrors.fetch("team/shop", remote("wrong-token-7f3"), "refs/heads/main", commit, out::add));
        assertTrue(refused.getMessage().startsWith(server.url("team/shop") + " refused the credentials"), refused.getMessage());
        assertFalse(refused.getMessage().contains("wrong-token-7f3"));
        assertFalse(String.join("\n", out).contains("wrong-token-7f3"));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(1)) < 0, "no pause to try again");
    }

    @Test
    void aCommitTheForgeDoesNotHaveOnThatRefFailsNamingTheUrl() throws Exception {
        commit("main", "a.txt", "one");
        String missing = "0123456789abcdef0123456789abcdef01234567";
        GitException e = assertThrows(GitException.class,
                () -> mirrors.fetch("team/shop", remote(TOKEN), "refs/heads/main", missing, out::add));
        assertTrue(e.getMessage().startsWith("commit " + missing + " is not at " + server.url("team/shop")), e.getMessage());
    }

    @Test
    void aForgeThatDoesNotAnswerIsTriedThreeTimesAndItsBranchesProveNothing() throws Exception {
        String commit = commit("main", "a.txt", "one");
        Mirrors.Remote away = remote(TOKEN);
        server.close();
        GitException e = assertThrows(GitException.class, () -> mirrors.fetch("team/shop", away, "refs/heads/main", commit, out::add));
        assertTrue(e.getMessage().startsWith("cannot fetch refs/heads/main from " + server.url("team/shop") + " (tried 3 times)"),
                e.getMessage());
        assertEquals(2, out.stream().filter(l -> l.contains("trying again")).count(), out.toString());
        assertEquals(Optional.empty(), mirrors.branches(away));
    }

    @Test
    void theForgesBranchesAreAskedAtOnceAndWhatIsOverTheSizeLimitIsNotKept() throws Exception {
        String main = commit("main", "a.txt", "one");
        String other = commit("other", "b.txt", "two");
        assertEquals(Map.of("refs/heads/main", main, "refs/heads/other", other), mirrors.branches(remote(TOKEN)).orElseThrow());
        Mirrors small = new Mirrors(dir.resolve("small"), 1 << 20, Duration.ofSeconds(20));
        // 24 files of 1 MiB that do not compress: the fetch is ended while it receives, long before all of it came.
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 24; i++) {
            byte[] noise = new byte[1 << 20];
            random.nextBytes(noise);
            Files.write(work.resolve("big-" + i + ".bin"), noise);
        }
        Cmd.ok(work, Map.of(), "git", "add", ".");
        Cmd.ok(work, Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@x", "GIT_COMMITTER_NAME", "t",
                "GIT_COMMITTER_EMAIL", "t@x"), "git", "commit", "-q", "-m", "big");
        Cmd.ok(work, Map.of(), "git", "push", "-q", "-f", forge.resolve("team/shop.git").toString(), "other");
        String big = Cmd.ok(work, Map.of(), "git", "rev-parse", "HEAD").strip();
        GitException e = assertThrows(GitException.class,
                () -> small.fetch("team/shop", remote(TOKEN), "refs/heads/other", big, out::add));
        assertTrue(e.getMessage().contains("over reviewenv.checkout.max-size (1048576 bytes)"), e.getMessage());
        long seen = Long.parseLong(e.getMessage().replaceAll(".* is (\\d+) bytes, over.*", "$1"));
        assertTrue(seen < 16L << 20, "ended while it received (of 24 MiB), at " + seen + " bytes");
        assertFalse(Files.exists(dir.resolve("small/team/shop.git")), "the mirror was removed");
    }

    @Test
    void aRepositoryNameCannotLeaveTheMirrorsDirectory() {
        assertThrows(GitException.class, () -> mirrors.mirror("../../etc"));
    }

    @Test
    void overSshTheForgesHostKeyMustBeTheKnownOneAndTheKeyGetsTheCommit() throws Exception {
        String commit = commit("main", "a.txt", "over ssh");
        try (SshServer ssh = SshServer.start(dir.resolve("sshd"))) {
            Path knownHosts = Files.writeString(dir.resolve("known_hosts"), ssh.knownHosts());
            String url = ssh.url(forge.resolve("team/shop.git"));
            Mirrors.Remote remote = new Mirrors.Remote(CloneUrl.parse(url, false, true), Optional.empty(), Optional.empty(),
                    Optional.of(ssh.clientKey()), Optional.of(knownHosts));
            Path mirror = mirrors.fetch("team/shop", remote, "refs/heads/main", commit, out::add);
            assertEquals(commit, new GitCheckout(1 << 20, 100).branches(mirror).get("refs/heads/main"));
            assertEquals(Optional.of(Map.of("refs/heads/main", commit)), mirrors.branches(remote));

            // Hashed as ssh-keygen -H writes them, the line still names the host.
            Cmd.ok("ssh-keygen", "-q", "-H", "-f", knownHosts.toString());
            assertTrue(Files.readString(knownHosts).startsWith("|1|"), Files.readString(knownHosts));
            assertEquals(Optional.of(Map.of("refs/heads/main", commit)), mirrors.branches(remote));

            // Another host key: refused at once, never added.
            Cmd.ok("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", dir.resolve("other_key").toString());
            String[] other = Files.readString(dir.resolve("other_key.pub")).strip().split("\\s+");
            Path wrong = Files.writeString(dir.resolve("wrong_hosts"), ssh.knownHosts().replaceFirst(" \\S+ \\S+\n$",
                    " " + other[0] + " " + other[1] + "\n"));
            String before = Files.readString(wrong);
            Mirrors.Remote spoofed = new Mirrors.Remote(CloneUrl.parse(url, false, true), Optional.empty(), Optional.empty(),
                    Optional.of(ssh.clientKey()), Optional.of(wrong));
            GitException e = assertThrows(GitException.class,
                    () -> new Mirrors(dir.resolve("m2"), 50L << 20, Duration.ofSeconds(20)).fetch("team/shop", spoofed,
                            "refs/heads/main", commit, out::add));
            assertTrue(e.getMessage().contains("the host key of 127.0.0.1 is not the one in clone-known-hosts"), e.getMessage());
            assertEquals(before, Files.readString(wrong), "nothing was added to the known hosts");
            assertEquals(Optional.empty(), mirrors.branches(spoofed), "nor does ls-remote get past it");
        }
    }

    @Test
    void aFetchIsShallowYetDeepEnoughToTellAnOlderCommitFromANewerOne() throws Exception {
        String older = null;
        for (int i = 0; i < Mirrors.DEPTH + 5; i++) {
            String c = commit("main", "n.txt", "commit " + i);
            if (i == Mirrors.DEPTH) {
                older = c;
            }
        }
        String tip = Cmd.ok(work, Map.of(), "git", "rev-parse", "HEAD").strip();
        Path mirror = mirrors.fetch("team/shop", remote(TOKEN), "refs/heads/main", tip, out::add);
        assertTrue(Files.isRegularFile(mirror.resolve("shallow")), "a shallow mirror");
        assertEquals(String.valueOf(Mirrors.DEPTH), Cmd.ok("git", "-C", mirror.toString(), "rev-list", "--count", "refs/heads/main")
                .strip(), "the branch's newest commits only");
        assertTrue(new GitCheckout(1 << 20, 100).isAncestor(mirror, older, tip), "a recent older commit is still known as older");
    }
}
