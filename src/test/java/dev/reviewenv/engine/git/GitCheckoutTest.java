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

        GitCheckout git = new GitCheckout();
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

    @Test
    void linksOutOfTheCheckoutAreNotCreated() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("git"));
        GitFixture repo = new GitFixture(root, "evil", "http://127.0.0.1:1", "");
        repo.branch("main").file("inner-target", "ok");
        repo.commit("files");
        Path work = tmp.resolve("links");
        Cmd.ok("git", "clone", "-q", repo.bare().toString(), work.toString());
        Files.createSymbolicLink(work.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(work.resolve("up"), Path.of("../../../../etc"));
        Files.createSymbolicLink(work.resolve("inner"), Path.of("inner-target"));
        Cmd.ok(work, java.util.Map.of("GIT_AUTHOR_NAME", "a", "GIT_AUTHOR_EMAIL", "a@b", "GIT_COMMITTER_NAME", "a",
                "GIT_COMMITTER_EMAIL", "a@b"), "sh", "-c", "git add -A && git commit -qm links");
        String sha = Cmd.ok(work, java.util.Map.of(), "git", "rev-parse", "HEAD").trim();
        Cmd.ok(work, java.util.Map.of(), "git", "push", "-q", "origin", "HEAD:refs/heads/links");
        Path ws = tmp.resolve("ws");
        new GitCheckout().checkout(repo.bare(), sha, ws);
        assertFalse(Files.exists(ws.resolve("passwd"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(ws.resolve("up"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSymbolicLink(ws.resolve("inner")));
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
