package dev.reviewenv.engine.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The bare repositories under {@code reviewenv.git-root}. A repository is named by its path under
 * the root without {@code .git} ({@code /srv/git/team/shop.git} is {@code team/shop}); nothing
 * outside the root is ever opened.
 */
public class GitRepositories {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*");

    private final Path root;

    public GitRepositories(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * The repository's name under the root, from either that name or an absolute path of the bare
     * repository (what a hook knows). Throws {@link GitException} naming what was wrong.
     */
    public String nameOf(String repository) {
        if (repository == null || repository.isBlank()) {
            throw new GitException("repository is missing: send the repository's path under the git root, e.g. team/shop");
        }
        String name = repository.strip();
        if (name.startsWith("/")) {
            Path abs = Path.of(name).normalize();
            if (!abs.startsWith(root)) {
                throw new GitException("repository " + repository + " is outside the git root " + root
                        + "; only repositories under reviewenv.git-root are deployed");
            }
            name = root.relativize(abs).toString();
        }
        if (name.endsWith(".git")) {
            name = name.substring(0, name.length() - 4);
        }
        name = name.replaceAll("/+$", "");
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw new GitException("repository '" + repository + "' is not a path under the git root;"
                    + " use letters, digits, '_', '.', '-' and '/' (no '..')");
        }
        return name;
    }

    /** The bare repository's directory; fails when it does not exist or escapes the root through a link. */
    public Path locate(String name) {
        for (Path candidate : new Path[] {root.resolve(name + ".git"), root.resolve(name)}) {
            if (Files.isDirectory(candidate.resolve("objects"))) {
                try {
                    Path real = candidate.toRealPath();
                    if (!real.startsWith(root.toRealPath())) {
                        throw new GitException("repository " + name + " resolves to " + real + ", outside the git root " + root);
                    }
                    return real;
                } catch (IOException e) {
                    throw new GitException("cannot open repository " + name + ": " + e.getMessage());
                }
            }
        }
        throw new GitException("no bare repository " + name + " under " + root + " (looked for " + name + ".git and "
                + name + "); create it with `git init --bare " + root.resolve(name + ".git") + "`");
    }
}
