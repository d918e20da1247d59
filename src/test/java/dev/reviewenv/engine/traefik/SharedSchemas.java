package dev.reviewenv.engine.traefik;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The schemas in the steering repository's {@code shared/schemas}, which tests hold the product to. */
public final class SharedSchemas {
    public static final Path DIR = Path.of("../shared/schemas");

    private SharedSchemas() {
    }

    public static List<String> traefikViolations(JsonNode doc) {
        return violations("traefik-v3-file-provider.json", doc);
    }

    public static List<String> traefikStaticViolations(JsonNode doc) {
        return violations("traefik-v3-static.json", doc);
    }

    public static List<String> composeViolations(JsonNode doc) {
        return violations("compose-spec.json", doc);
    }

    static List<String> violations(String file, JsonNode doc) {
        try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
            JsonSchema schema = dev.reviewenv.engine.schema.JsonSchemas.load(in);
            return schema.validate(doc).stream().map(Object::toString).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the shared schemas must sit beside this repository at " + DIR.toAbsolutePath(), e);
        }
    }
}
