package dev.reviewenv.deploy;

import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.fs.Beneath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every file Compose reads while it resolves a branch's compose file, found and checked before
 * Compose runs: the file itself, what it {@code include}s, the files {@code extends} names, and
 * their {@code env_file}s and {@code label_file}s (and an included project's {@code .env}). Each
 * relative path is resolved from the base Compose itself uses for it (a file's project directory,
 * see {@link #scan}), never from where the file happens to lie. Each YAML file is parsed with the
 * bounded parser first (so a bomb fails here, not in Compose); each path must be written out (no
 * {@code ${...}}: a path Compose would only know after interpolation cannot be checked) and must
 * stay inside the checkout once every link is followed.
 */
final class ComposeFiles {
    /** Most YAML files one deploy may pull together. */
    static final int MAX_FILES = 20;

    private ComposeFiles() {
    }

    /** The branch's file as written (for its {@code x-reviewenv} and service order). */
    record Read(Map<String, Object> written) {
    }

    static Read read(ComposeSource.Found found, Path checkout) {
        Map<String, Object> written = ComposeDocument.parse(found.label(), found.text());
        List<String> problems = new ArrayList<>();
        Set<Pending> seen = new LinkedHashSet<>();
        Deque<Pending> todo = new ArrayDeque<>();
        // The main file's relative paths resolve against the project directory: the checkout.
        scan("", written, checkout, checkout, todo, problems);
        while (!todo.isEmpty()) {
            Pending next = todo.pop();
            if (!seen.add(next)) {
                continue;
            }
            if (seen.size() > MAX_FILES) {
                problems.add("more than " + MAX_FILES + " compose files through include and extends; merge some of them");
                break;
            }
            Map<String, Object> doc = ComposeDocument.parse(next.label(), readText(next.path()));
            scan(next.label() + ": ", doc, next.base(), checkout, todo, problems);
        }
        if (!problems.isEmpty()) {
            throw new ComposeFileException(found.label(), problems);
        }
        return new Read(written);
    }

    /** A file still to read, and the directory its own relative paths resolve against. */
    private record Pending(String label, Path path, Path base) {
    }

    /**
     * Finds the paths of {@code doc} Compose will read; {@code where} names its file in problems ("" for
     * the main one). {@code base} is the directory Compose resolves the file's relative paths against:
     * the project directory for the main file; for an included file its {@code project_directory}
     * (relative to the including file's base), else the directory of its first path; for a file
     * {@code extends} names, its own directory. An {@code include}'s {@code path} and {@code env_file},
     * and an {@code extends.file}, are relative to the base of the file that names them.
     */
    private static void scan(String where, Map<String, Object> doc, Path base, Path checkout, Deque<Pending> todo,
            List<String> problems) {
        if (doc.get("include") instanceof List<?> includes) {
            for (int i = 0; i < includes.size(); i++) {
                Object inc = includes.get(i);
                String at = "include[" + i + "]";
                Map<?, ?> m = inc instanceof Map<?, ?> map ? map : Map.of("path", String.valueOf(inc));
                List<Path> paths = new ArrayList<>();
                for (Object path : asList(m.get("path"))) {
                    file(where + at + ".path", path, base, checkout, problems).ifPresent(paths::add);
                }
                Optional<Path> project = Optional.empty();
                if (m.get("project_directory") != null) {
                    project = file(where + at + ".project_directory", m.get("project_directory"), base, checkout, problems);
                } else if (!paths.isEmpty()) {
                    project = Optional.of(paths.get(0).getParent());
                }
                List<?> envFiles = asList(m.get("env_file"));
                for (Object env : envFiles) {
                    file(where + at + ".env_file", env, base, checkout, problems);
                }
                if (project.isEmpty()) {
                    continue;
                }
                if (envFiles.isEmpty()) {
                    // Compose reads the included project's .env by itself.
                    file(where + at + " (its .env)", ".env", project.get(), checkout, problems);
                }
                for (Path p : paths) {
                    todo.push(new Pending(rel(checkout, p), p, project.get()));
                }
            }
        }
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((name, def) -> {
                if (!(def instanceof Map<?, ?> s)) {
                    return;
                }
                String at = where + "services." + name;
                if (s.get("extends") instanceof Map<?, ?> ext && ext.get("file") != null) {
                    file(at + ".extends.file", ext.get("file"), base, checkout, problems)
                            .ifPresent(p -> todo.push(new Pending(rel(checkout, p), p, p.getParent())));
                }
                for (String key : List.of("env_file", "label_file")) {
                    for (Object f : asList(s.get(key))) {
                        Object path = f instanceof Map<?, ?> fm ? fm.get("path") : f;
                        boolean required = !(f instanceof Map<?, ?> fm && "false".equals(String.valueOf(fm.get("required"))));
                        file(at + "." + key, path, base, checkout, problems).filter(p -> required && !Files.exists(p))
                                .ifPresent(p -> problems.add(at + "." + key + ": '" + path + "' is not in the repository (many"
                                        + " projects expect their user to create it); commit it, or write {path: " + path
                                        + ", required: false} and give what it held as environment: entries of ${...} the"
                                        + " operator sets (reviewenv.repositories.<repo>.variables.<NAME>)"));
                    }
                }
            });
        }
    }

    /** A path Compose will read: written out, and inside the checkout once every link is followed. */
    private static Optional<Path> file(String at, Object value, Path base, Path checkout, List<String> problems) {
        if (value == null) {
            return Optional.empty();
        }
        String p = String.valueOf(value);
        if (p.contains("$")) {
            problems.add(at + ": '" + p + "' is only known after interpolation, so it cannot be checked; write the path out");
            return Optional.empty();
        }
        if (p.contains("://") || p.startsWith("~")) {
            problems.add(at + ": '" + p + "' is not a file of the branch; use a path inside the repository");
            return Optional.empty();
        }
        Optional<Path> real = Beneath.resolve(checkout, base.resolve(p));
        if (real.isEmpty()) {
            problems.add(at + ": '" + p + "' is outside the branch's checkout (links followed); use a path inside the repository");
        }
        return real;
    }

    private static List<?> asList(Object o) {
        return o == null ? List.of() : o instanceof List<?> l ? l : List.of(o);
    }

    private static String rel(Path checkout, Path p) {
        return checkout.relativize(p).toString();
    }

    private static String readText(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new ComposeFileException(file.getFileName().toString(), List.of("is not a file in the branch"));
            }
            if (Files.size(file) > ComposeDocument.MAX_SIZE) {
                throw new ComposeFileException(file.getFileName().toString(), List.of("larger than " + ComposeDocument.MAX_SIZE + " bytes"));
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
