package dev.reviewenv.engine.git;

import dev.reviewenv.naming.EnvironmentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The checkouts of the environments: {@code <workspace-dir>/<name>/<commit>}, one per deployed
 * commit. The compose file's relative paths resolve in the checkout of the commit that runs.
 */
public class Workspaces {
    private final Path root;
    private final GitCheckout git;

    public Workspaces(Path root, GitCheckout git) {
        this.root = root;
        this.git = git;
    }

    /** Where a commit of an environment is checked out. */
    public Path path(EnvironmentName name, String commit) {
        return root.resolve(name.value()).resolve(commit);
    }

    /**
     * A new, empty directory of reviewenv's own for one deploy of {@code name}, beside the
     * checkouts and never inside one (what Compose needs besides the checkout goes there).
     */
    public Path privateDir(EnvironmentName name) {
        Path dir = root.resolve(".private").resolve(name.value());
        try {
            GitCheckout.deleteTree(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir, e);
        }
    }

    /** Checks {@code revision} of the bare repository out into the environment's workspace for its commit. */
    public GitCheckout.Checkout checkout(Path bareRepository, String revision, EnvironmentName name) {
        String commit = git.resolve(bareRepository, revision);
        return git.checkout(bareRepository, commit, path(name, commit));
    }

    /** The checkout of the commit an environment runs, if it is still there. */
    public Optional<Path> existing(EnvironmentName name, String commit) {
        return Optional.ofNullable(commit).map(c -> path(name, c)).filter(Files::isDirectory);
    }

    /**
     * Deletes the environment's checkouts but the one of {@code commit} (all of them for none).
     * Best effort: one that cannot be deleted is logged and goes with the next deploy or the teardown.
     */
    public void keepOnly(EnvironmentName name, Optional<String> commit) {
        Path dir = root.resolve(name.value());
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (commit.isEmpty() || !p.getFileName().toString().equals(commit.get())) {
                    GitCheckout.deleteTree(p);
                }
            }
            if (commit.isEmpty()) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            System.getLogger(Workspaces.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot clean the checkouts of " + name + ": " + e.getMessage());
        }
    }

    /** Deletes every checkout of the environment. */
    public void delete(EnvironmentName name) {
        try {
            GitCheckout.deleteTree(root.resolve(name.value()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the checkout of " + name + ": " + e.getMessage(), e);
        }
    }
}
