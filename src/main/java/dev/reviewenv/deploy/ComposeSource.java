package dev.reviewenv.deploy;

import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.compose.ComposeFileException;
import dev.reviewenv.engine.fs.Beneath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the compose file of a checkout: the configured path, else the usual names at the root,
 * else a template from {@code reviewenv.compose-templates}. Relative paths in it resolve against
 * the checkout either way.
 */
public final class ComposeSource {
    /** File names Compose itself looks for, in its order of preference. */
    public static final List<String> DEFAULT_NAMES = List.of("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");
    /** The template used for a repository without a compose file when none is configured. */
    public static final String DEFAULT_TEMPLATE = "default.yml";

    private ComposeSource() {
    }

    /**
     * A compose file's name (for errors), where it is, and its text. {@code inCheckout} tells a
     * branch's own file from a template.
     */
    public record Found(String label, Path path, String text, boolean inCheckout) {
    }

    public static Found locate(Path checkout, Optional<String> configured, Optional<String> template, Path templates) {
        List<String> tried = new ArrayList<>();
        List<String> names = configured.map(List::of).orElse(DEFAULT_NAMES);
        for (String name : names) {
            Path file = checkout.resolve(name).normalize();
            tried.add(name);
            if (!file.startsWith(checkout) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Optional<Path> real = Beneath.resolve(checkout, Path.of(name));
            if (real.isEmpty() || !real.get().equals(file)) {
                throw new ComposeFileException(name, List.of("is a symbolic link (or in a linked directory); commit the compose file itself"));
            }
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return new Found(name, file, read(file), true);
            }
        }
        String templateName = template.orElse(DEFAULT_TEMPLATE);
        Path file = templates.resolve(templateName);
        if (Files.isRegularFile(file)) {
            return new Found("template " + templateName, file.toAbsolutePath(), read(file), false);
        }
        throw new ComposeFileException(String.join(", ", tried), List.of("no compose file in the branch and no template "
                + file + "; commit a docker-compose.yml, or configure reviewenv.repositories.<repo>.template"));
    }

    private static String read(Path file) {
        try {
            if (Files.size(file) > ComposeDocument.MAX_SIZE) {
                throw new ComposeFileException(file.getFileName().toString(), List.of("larger than " + ComposeDocument.MAX_SIZE + " bytes"));
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
