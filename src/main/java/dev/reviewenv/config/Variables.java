package dev.reviewenv.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's variables of a repository, for {@code ${NAME}} in its compose files: its
 * {@code variables-file} (read each time, so an edit needs no restart), then its
 * {@code variables.<NAME>} keys, which win. A variables file is {@code .env}-style: {@code NAME=value}
 * a line, {@code #} comments, an optional {@code export }, the value taken as written (quotes around
 * it dropped).
 */
public final class Variables {
    /** What a variable's name may be, as Compose interpolates it. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /**
     * Names an operator's variable may not have: they would steer Compose or Docker themselves, or
     * the process that runs them, or stand for what reviewenv says about the environment.
     */
    public static final Pattern RESERVED = Pattern.compile("(COMPOSE_|DOCKER_|REVIEWENV_|LC_).*|PATH|HOME|LANG|TMPDIR|USER|SHELL");

    private Variables() {
    }

    /** The variables of {@code repository} (empty when it sets none); reserved names are left out. */
    public static Map<String, String> of(ReviewenvConfig config, String repository) {
        Map<String, String> vars = new LinkedHashMap<>();
        config.repository(repository).ifPresent(r -> {
            r.variablesFile().ifPresent(f -> vars.putAll(readFile(f)));
            vars.putAll(r.variables());
        });
        vars.keySet().removeIf(n -> !NAME.matcher(n).matches() || RESERVED.matcher(n).matches());
        return vars;
    }

    /** A variables file's {@code NAME=value} pairs. */
    public static Map<String, String> readFile(Path file) {
        Map<String, String> vars = new LinkedHashMap<>();
        try {
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("export ")) {
                    line = line.substring("export ".length()).strip();
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String value = line.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                vars.put(line.substring(0, eq).strip(), value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the variables file " + file, e);
        }
        return vars;
    }

    /** What is wrong with the variables of the repository {@code key} names, each naming its key; empty when all is well. */
    static List<String> problems(String key, ReviewenvConfig.Repository r) {
        List<String> p = new ArrayList<>();
        r.variables().forEach((name, value) -> {
            if (!NAME.matcher(name).matches()) {
                p.add(key + ".variables." + name + ": not a variable name Compose interpolates; use letters, digits and '_'");
            } else if (RESERVED.matcher(name).matches()) {
                p.add(key + ".variables." + name + ": a name that steers Compose, Docker or the process running them, or one of"
                        + " reviewenv's own REVIEWENV_*; rename the variable");
            }
            if (value.contains("\n") || value.contains("\r")) {
                p.add(key + ".variables." + name + ": a value of one line only");
            }
        });
        r.variablesFile().ifPresent(f -> {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                p.add(key + ".variables-file: " + f + " is not a file this service can read; create it (mode 600, owned by"
                        + " the service's user)");
                return;
            }
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
                if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                    p.add(key + ".variables-file: " + f + " can be read by others; it holds secrets: chmod 600 " + f);
                }
                readFile(f).keySet().stream().filter(n -> !NAME.matcher(n).matches() || RESERVED.matcher(n).matches())
                        .forEach(n -> p.add(key + ".variables-file: " + f + ": '" + n + "' is not a variable name an operator may"
                                + " set (letters, digits and '_'; not COMPOSE_*, DOCKER_*, REVIEWENV_*, PATH, HOME, ...)"));
            } catch (IOException | UnsupportedOperationException e) {
                p.add(key + ".variables-file: cannot read " + f + " (" + e.getMessage() + ")");
            }
        });
        return p;
    }
}
