package dev.reviewenv.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A bare repository under the git root, made by deploy/new-repo.sh with reviewenv's real
 * post-receive hook, and a
 * working clone to commit and push from, as a developer would.
 */
public final class GitFixture {
    private final Path bare;
    private final Path work;
    private final Map<String, String> env = new HashMap<>();

    public GitFixture(Path gitRoot, String name, String serviceUrl, String token) {
        try {
            bare = gitRoot.resolve(name + ".git");
            Cmd.ok(null, Map.of("REVIEWENV_GIT_ROOT", gitRoot.toString()), "deploy/new-repo.sh", name);
            work = Files.createTempDirectory("reviewenv-work");
            Cmd.ok("git", "init", "-q", "-b", "main", work.toString());
            Cmd.ok("git", "-C", work.toString(), "remote", "add", "ci", bare.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        env.put("REVIEWENV_URL", serviceUrl);
        env.put("REVIEWENV_TOKEN", token);
        env.put("REVIEWENV_HOOK_ENV", "/nonexistent");
        env.put("GIT_AUTHOR_NAME", "Dev");
        env.put("GIT_AUTHOR_EMAIL", "dev@example.invalid");
        env.put("GIT_COMMITTER_NAME", "Dev");
        env.put("GIT_COMMITTER_EMAIL", "dev@example.invalid");
    }

    public Path bare() {
        return bare;
    }

    /** Switches to {@code branch}, or creates it from the current state if new. */
    public GitFixture branch(String branch) {
        boolean exists = Cmd.run(work, env, "git", "rev-parse", "--verify", "-q", "refs/heads/" + branch).code() == 0;
        if (exists) {
            Cmd.ok(work, env, "git", "checkout", "-q", "-f", branch);
        } else {
            Cmd.ok(work, env, "git", "checkout", "-q", "-b", branch);
        }
        return this;
    }

    /** Starts {@code branch} anew with an empty tree (no history shared with the others). */
    public GitFixture fresh(String branch) {
        Cmd.ok(work, env, "git", "checkout", "-q", "--orphan", branch);
        Cmd.ok(work, env, "git", "rm", "-q", "-r", "-f", "--ignore-unmatch", ".");
        Cmd.ok(work, env, "git", "clean", "-q", "-f", "-d", "-x");
        return this;
    }

    /** A symbolic link at {@code path} to {@code target}, committed as git commits links. */
    public GitFixture link(String path, String target) {
        try {
            Path f = work.resolve(path);
            Files.createDirectories(f.getParent());
            Files.deleteIfExists(f);
            Files.createSymbolicLink(f, Path.of(target));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Pushes several branches in one push (the hook gets them all at once); returns what git printed. */
    public String pushAll(java.util.List<String> branches) {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("git", "push", "-f", "ci"));
        argv.addAll(branches);
        return Cmd.ok(work, env, argv.toArray(String[]::new));
    }

    public GitFixture file(String path, String content) {
        try {
            Path f = work.resolve(path);
            Files.createDirectories(f.getParent());
            Files.writeString(f, content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    public GitFixture executable(String path) {
        if (!work.resolve(path).toFile().setExecutable(true)) {
            throw new IllegalStateException("cannot chmod +x " + path);
        }
        return this;
    }

    public GitFixture delete(String path) {
        Cmd.ok(work, env, "git", "rm", "-q", "-r", "--ignore-unmatch", path);
        return this;
    }

    /** Commits everything; returns the commit id. */
    public String commit(String message) {
        Cmd.ok(work, env, "git", "add", "-A");
        Cmd.ok(work, env, "git", "commit", "-q", "--allow-empty", "-m", message);
        return Cmd.ok(work, env, "git", "rev-parse", "HEAD").trim();
    }

    /** Pushes the branch through the real hook; returns everything git printed (the hook's lines come as "remote: ..."). */
    public String push(String branch, String... extra) {
        String[] argv = new String[5 + extra.length];
        argv[0] = "git";
        argv[1] = "push";
        System.arraycopy(extra, 0, argv, 2, extra.length);
        argv[2 + extra.length] = "-f";
        argv[3 + extra.length] = "ci";
        argv[4 + extra.length] = branch;
        return Cmd.ok(work, env, argv);
    }

    public GitFixture env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public void close() {
        Cmd.run(null, Map.of(), "rm", "-rf", work.toString());
    }
}
