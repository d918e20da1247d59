package dev.reviewenv.engine.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Checks a revision of a bare repository out into a workspace directory with JGit: the files of
 * the commit's tree, with their executable bits, and symbolic links only where they point inside
 * the workspace. Submodules are not followed.
 */
public class GitCheckout {

    /** What was checked out: the full commit id and its one-line subject. */
    public record Checkout(Path dir, String commit, String subject) {
    }

    /** Resolves a revision (a commit id or a ref) of the repository to a full commit id. */
    public String resolve(Path bareRepository, String revision) {
        try (Repository repo = open(bareRepository); RevWalk walk = new RevWalk(repo)) {
            return commitOf(repo, walk, revision).name();
        } catch (IOException e) {
            throw new GitException("cannot read " + bareRepository + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code workspace} with the tree of {@code revision}. */
    public Checkout checkout(Path bareRepository, String revision, Path workspace) {
        try (Repository repo = open(bareRepository); RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = commitOf(repo, walk, revision);
            deleteTree(workspace);
            Files.createDirectories(workspace);
            Path base = workspace.toRealPath();
            try (TreeWalk tree = new TreeWalk(repo)) {
                tree.addTree(commit.getTree());
                tree.setRecursive(true);
                while (tree.next()) {
                    Path target = base.resolve(tree.getPathString()).normalize();
                    if (!target.startsWith(base)) {
                        throw new GitException("commit " + commit.name() + " has a path outside its tree: " + tree.getPathString());
                    }
                    FileMode mode = tree.getFileMode(0);
                    if (mode == FileMode.GITLINK) {
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    ObjectLoader blob = repo.open(tree.getObjectId(0), Constants.OBJ_BLOB);
                    if (mode == FileMode.SYMLINK) {
                        Path link = Path.of(new String(blob.getBytes(), java.nio.charset.StandardCharsets.UTF_8));
                        if (!link.isAbsolute() && target.getParent().resolve(link).normalize().startsWith(base)) {
                            Files.createSymbolicLink(target, link);
                        }
                        continue;
                    }
                    try (OutputStream out = Files.newOutputStream(target)) {
                        blob.copyTo(out);
                    }
                    if (mode == FileMode.EXECUTABLE_FILE) {
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
            return new Checkout(workspace, commit.name(), commit.getShortMessage());
        } catch (IOException e) {
            throw new GitException("cannot check out " + revision + " of " + bareRepository + ": " + e.getMessage(), e);
        }
    }

    private static Repository open(Path bareRepository) throws IOException {
        return new FileRepositoryBuilder().setGitDir(bareRepository.toFile()).setMustExist(true).build();
    }

    private static RevCommit commitOf(Repository repo, RevWalk walk, String revision) throws IOException {
        if (revision == null || !revision.matches("[0-9a-f]{40}|refs/heads/[^\\s]+")) {
            throw new GitException("revision '" + revision + "' is neither a full commit id nor a branch ref");
        }
        ObjectId id = repo.resolve(revision + "^{commit}");
        if (id == null) {
            throw new GitException("revision " + revision + " is not in " + repo.getDirectory()
                    + "; push it first, or check the commit id");
        }
        return walk.parseCommit(id);
    }

    /** Deletes a directory tree without following symbolic links out of it. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
