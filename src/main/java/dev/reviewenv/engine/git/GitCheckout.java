package dev.reviewenv.engine.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import dev.reviewenv.engine.fs.Beneath;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Checks a revision of a bare repository out into a workspace directory with JGit: the files of
 * the commit's tree, with their executable bits, and its symbolic links. A checkout is data: it is
 * bounded in size and file count, nothing is written through a link, and a link that leads out of
 * the workspace (however it is spelled, see {@link Beneath}) refuses the whole checkout.
 * Submodules are not followed.
 */
public class GitCheckout {
    private final long maxBytes;
    private final int maxFiles;

    public GitCheckout(long maxBytes, int maxFiles) {
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

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

    /** The branches of the repository, as full refs ({@code refs/heads/...}) to their commit ids. */
    public java.util.Map<String, String> branches(Path bareRepository) {
        try (Repository repo = open(bareRepository)) {
            java.util.Map<String, String> refs = new java.util.HashMap<>();
            for (var ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                if (ref.getObjectId() != null) {
                    refs.put(ref.getName(), ref.getObjectId().name());
                }
            }
            return refs;
        } catch (IOException e) {
            throw new GitException("cannot read the branches of " + bareRepository + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code older} is {@code newer} or one of its ancestors (both full commit ids); false
     * when either is not in the repository (a mirror not fetched yet cannot tell).
     */
    public boolean isAncestor(Path bareRepository, String older, String newer) {
        try (Repository repo = open(bareRepository); RevWalk walk = new RevWalk(repo)) {
            ObjectId a = repo.resolve(older + "^{commit}");
            ObjectId b = repo.resolve(newer + "^{commit}");
            return a != null && b != null && walk.isMergedInto(walk.parseCommit(a), walk.parseCommit(b));
        } catch (org.eclipse.jgit.errors.MissingObjectException notThere) {
            return false;
        } catch (IOException e) {
            throw new GitException("cannot compare " + older + " and " + newer + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code workspace} with the tree of {@code revision}; refused as a whole, or written as a whole. */
    public Checkout checkout(Path bareRepository, String revision, Path workspace) {
        try (Repository repo = open(bareRepository); RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = commitOf(repo, walk, revision);
            measure(repo, commit);
            deleteTree(workspace);
            Files.createDirectories(workspace);
            Path base = workspace.toRealPath();
            try {
                write(repo, commit, base);
            } catch (GitException | IOException e) {
                deleteTree(workspace);
                throw e;
            }
            return new Checkout(workspace, commit.name(), commit.getShortMessage());
        } catch (IOException e) {
            throw new GitException("cannot check out " + revision + " of " + bareRepository + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a commit whose files are more or bigger than the limits, before anything is written. */
    private void measure(Repository repo, RevCommit commit) throws IOException {
        long bytes = 0;
        int files = 0;
        try (TreeWalk tree = new TreeWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                if (tree.getFileMode(0) == FileMode.GITLINK) {
                    continue;
                }
                files++;
                bytes += reader.getObjectSize(tree.getObjectId(0), Constants.OBJ_BLOB);
                if (files > maxFiles || bytes > maxBytes) {
                    throw new GitException("commit " + commit.name() + " is too big to check out: more than "
                            + (files > maxFiles ? maxFiles + " files" : maxBytes + " bytes")
                            + " (reviewenv.checkout.max-files / max-size); deploy a smaller tree or raise the limit");
                }
            }
        }
    }

    private void write(Repository repo, RevCommit commit, Path base) throws IOException {
        List<String> links = new ArrayList<>();
        try (TreeWalk tree = new TreeWalk(repo)) {
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                FileMode mode = tree.getFileMode(0);
                if (mode == FileMode.GITLINK) {
                    continue;
                }
                String path = tree.getPathString();
                Path target = base.resolve(path);
                // Every directory on the way must be a real one of this checkout, never a link.
                if (!Beneath.resolve(base, Path.of(path)).equals(Optional.of(target.normalize()))) {
                    throw new GitException("commit " + commit.name() + " has a path that is not a plain path of its tree: " + path);
                }
                Files.createDirectories(target.getParent());
                ObjectLoader blob = repo.open(tree.getObjectId(0), Constants.OBJ_BLOB);
                if (mode == FileMode.SYMLINK) {
                    Files.createSymbolicLink(target, Path.of(new String(blob.getBytes(), StandardCharsets.UTF_8)));
                    links.add(path);
                    continue;
                }
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
                    blob.copyTo(out);
                }
                if (mode == FileMode.EXECUTABLE_FILE) {
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        List<String> leaving = links.stream().filter(l -> !Beneath.stays(base, Path.of(l))).toList();
        if (!leaving.isEmpty()) {
            throw new GitException("commit " + commit.name() + " has symbolic links that lead out of the checkout: "
                    + leaving.stream().map(l -> l + " -> " + linkText(base.resolve(l))).toList()
                    + "; commit the files themselves, or links that stay inside the repository");
        }
    }

    private static String linkText(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
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
