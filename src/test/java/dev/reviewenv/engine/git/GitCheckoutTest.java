package dev.reviewenv.engine.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reviewenv.testsupport.Cmd;
import dev.reviewenv.testsupport.GitFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real repositories made with the git CLI. */
class GitCheckoutTest {
    @TempDir
    Path tmp;

    @Test
    void aRevisionIsCheckedOutWithExecutableBitsAndOnlyInnerLinks() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("git"));
        GitFixture repo = new GitFixture(root, "team/shop", "http://127.0.0.1:1", "unused-token-000000");
        repo.env("REVIEWENV_TOKEN", "");
        repo.branch("feature/x").file("docker-compose.yml", "services: {}\n").file("bin/run.sh", "#!/bin/sh\n").executable("bin/run.sh");
        String first = repo.commit("one");
        repo.push("feature/x");
        Path work = repo.bare().resolveSibling("unused");
        GitRepositories repositories = new GitRepositories(root);
        assertEquals("team/shop", repositories.nameOf(repo.bare().toString()));
        assertEquals("team/shop", repositories.nameOf("team/shop.git"));
        Path bare = repositories.locate("team/shop");

        GitCheckout git = new GitCheckout(1 << 20, 100);
        assertEquals(first, git.resolve(bare, "refs/heads/feature/x"));
        Path ws = tmp.resolve("ws");
        Files.createDirectories(ws);
        Files.writeString(ws.resolve("stale"), "from an older checkout");
        GitCheckout.Checkout co = git.checkout(bare, first, ws);
        assertEquals(first, co.commit());
        assertEquals("services: {}\n", Files.readString(ws.resolve("docker-compose.yml")));
        assertFalse(Files.exists(ws.resolve("stale")), "the workspace is replaced, not merged");
        assertFalse(Files.exists(work));
        assertTrue(Files.isExecutable(ws.resolve("bin/run.sh")));

        assertThrows(GitException.class, () -> git.checkout(bare, "f".repeat(40), ws), "an unknown commit is refused");
        assertThrows(GitException.class, () -> git.resolve(bare, "HEAD~1; rm -rf /"));
        repo.close();
    }

    /** Commits {@code links} (name to target) and {@code files} with the git CLI; returns the commit. */
    static String commitLinks(Path tmp, GitFixture repo, String branch, java.util.Map<String, String> links) throws Exception {
        Path work = tmp.resolve("work-" + branch);
        Cmd.ok("git", "clone", "-q", "-b", "main", repo.bare().toString(), work.toString());
        for (var l : links.entrySet()) {
            Files.createDirectories(work.resolve(l.getKey()).getParent());
            Files.createSymbolicLink(work.resolve(l.getKey()), Path.of(l.getValue()));
        }
        Cmd.ok(work, java.util.Map.of("GIT_AUTHOR_NAME", "a", "GIT_AUTHOR_EMAIL", "a@b", "GIT_COMMITTER_NAME", "a",
                "GIT_COMMITTER_EMAIL", "a@b"), "sh", "-c", "git add -A && git commit -qm links");
        String sha = Cmd.ok(work, java.util.Map.of(), "git", "rev-parse", "HEAD").trim();
        Cmd.ok(work, java.util.Map.of(), "git", "push", "-q", "origin", "HEAD:refs/heads/" + branch);
        return sha;
    }

    @Test
    void aCheckoutWithALinkOutOfItIsRefusedWholeAndInnerLinksAreKept() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("git"));
        GitFixture repo = new GitFixture(root, "evil", "http://127.0.0.1:1", "");
        repo.env("REVIEWENV_TOKEN", "");
        repo.branch("main").file("inner-target", "ok");
        repo.commit("files");
        repo.push("main");
        GitCheckout git = new GitCheckout(1 << 20, 100);
        Path ws = tmp.resolve("ws");
        for (var link : java.util.Map.of("passwd", "/etc/passwd", "up", "../../../../etc",
                "x", "a/a/a/../../../../outside").entrySet()) {
            var links = new java.util.LinkedHashMap<String, String>(java.util.Map.of("a", ".", "inner", "inner-target"));
            links.put(link.getKey(), link.getValue());
            String sha = commitLinks(tmp, repo, "links-" + link.getKey(), links);
            GitException refused = assertThrows(GitException.class, () -> git.checkout(repo.bare(), sha, ws), link.getKey());
            assertTrue(refused.getMessage().contains(link.getKey() + " -> " + link.getValue()), refused.getMessage());
            assertFalse(Files.exists(ws), "nothing of a refused checkout is left");
        }
        String good = commitLinks(tmp, repo, "inner", java.util.Map.of("a", ".", "inner", "inner-target", "deep/up", "../a/inner"));
        git.checkout(repo.bare(), good, ws);
        assertTrue(Files.isSymbolicLink(ws.resolve("inner")));
        assertEquals("ok", Files.readString(ws.resolve("deep/up")));
        repo.close();
    }

    @Test
    void aCheckoutBiggerThanItsLimitsIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("git"));
        GitFixture repo = new GitFixture(root, "big", "http://127.0.0.1:1", "");
        repo.branch("main").file("a", "x".repeat(600)).file("b", "y".repeat(600));
        repo.env("REVIEWENV_TOKEN", "");
        String sha = repo.commit("two files");
        repo.push("main");
        Path ws = tmp.resolve("ws");
        GitException bytes = assertThrows(GitException.class, () -> new GitCheckout(1000, 100).checkout(repo.bare(), sha, ws));
        assertTrue(bytes.getMessage().contains("reviewenv.checkout.max-files / max-size"), bytes.getMessage());
        assertThrows(GitException.class, () -> new GitCheckout(1 << 20, 1).checkout(repo.bare(), sha, ws));
        assertFalse(Files.exists(ws));
        new GitCheckout(1200, 2).checkout(repo.bare(), sha, ws);
        assertEquals(600, Files.size(ws.resolve("b")));
        repo.close();
    }

    @Test
    void repositoriesOutsideTheGitRootAreRefused() throws Exception {
        GitRepositories repositories = new GitRepositories(tmp.resolve("git"));
        for (String bad : new String[] {"/etc", "../x", "a/../../b", "", "team/.hidden/../x", tmp.toString()}) {
            assertThrows(GitException.class, () -> repositories.locate(repositories.nameOf(bad)), bad);
        }
        GitException missing = assertThrows(GitException.class, () -> repositories.locate("team/none"));
        assertTrue(missing.getMessage().contains("git init --bare"), missing.getMessage());
    }
}
