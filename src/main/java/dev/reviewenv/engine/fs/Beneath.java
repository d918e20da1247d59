package dev.reviewenv.engine.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Resolves a path inside a directory the way the kernel would, following every symbolic link on
 * the way, and says whether the result stays beneath that directory. A link that leads out (by
 * an absolute target, or by {@code ..} through a chain such as {@code a -> .}) is caught however
 * it is spelled; a path that does not exist (yet) is resolved as far as it goes.
 */
public final class Beneath {
    /** Links followed before a path counts as a loop, as Linux's own limit. */
    private static final int MAX_LINKS = 40;

    private Beneath() {
    }

    /**
     * Where {@code path} (relative to {@code root}, or absolute) really leads, or empty when it
     * leaves {@code root} or loops. {@code root} must be a real path (no links in it).
     */
    public static Optional<Path> resolve(Path root, Path path) {
        Path relative = path.isAbsolute() ? relativeTo(root, path) : path;
        if (relative == null) {
            return Optional.empty();
        }
        Deque<String> todo = new ArrayDeque<>();
        push(todo, relative);
        Path current = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (current.equals(root)) {
                    return Optional.empty();
                }
                current = current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    return Optional.empty();
                }
                Path target;
                try {
                    target = Files.readSymbolicLink(next);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the link " + next, e);
                }
                if (target.isAbsolute()) {
                    Path inside = relativeTo(root, target);
                    if (inside == null) {
                        return Optional.empty();
                    }
                    current = root;
                    target = inside;
                }
                push(todo, target);
                continue;
            }
            current = next;
        }
        return Optional.of(current);
    }

    /** Whether {@code path} stays beneath {@code root} once every link is followed. */
    public static boolean stays(Path root, Path path) {
        return resolve(root, path).isPresent();
    }

    private static void push(Deque<String> todo, Path path) {
        for (int i = path.getNameCount() - 1; i >= 0; i--) {
            todo.push(path.getName(i).toString());
        }
    }

    /**
     * An absolute {@code path} relative to {@code root}, or null when it does not start with it.
     * Nothing is normalized: a {@code ..} in it is resolved step by step like every other part.
     */
    private static Path relativeTo(Path root, Path path) {
        return path.startsWith(root) ? root.relativize(path) : null;
    }
}
