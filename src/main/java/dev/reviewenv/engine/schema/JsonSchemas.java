package dev.reviewenv.engine.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The public JSON schemas reviewenv checks files against before it acts on them: the Compose
 * specification and Traefik v3's file provider (unchanged copies in {@code resources/schemas},
 * see SOURCES.md there).
 */
public final class JsonSchemas {
    public static final JsonSchemas COMPOSE = new JsonSchemas("compose-spec.json");
    public static final JsonSchemas TRAEFIK_DYNAMIC = new JsonSchemas("traefik-v3-file-provider.json");

    private final JsonSchema schema;

    private JsonSchemas(String resource) {
        try (InputStream in = JsonSchemas.class.getResourceAsStream("/schemas/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("schema " + resource + " is missing from the classpath");
            }
            schema = load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load schema " + resource, e);
        }
    }

    /**
     * Loads a draft-07 schema. Its {@code $id} and {@code $schema} are dropped first: the compose
     * schema's relative {@code $id} is no valid base URI, and both are draft-07 anyway.
     */
    public static JsonSchema load(InputStream in) throws IOException {
        ObjectNode node = (ObjectNode) new ObjectMapper().readTree(in);
        node.remove("$id");
        node.remove("$schema");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(node);
    }

    /** Each violation as {@code path: message}, in a stable order; empty when the document is valid. */
    public List<String> violations(JsonNode document) {
        return schema.validate(document).stream()
                .map(ValidationMessage::getMessage)
                .map(m -> m.startsWith("$.") ? m.substring(2) : m)
                .sorted()
                .toList();
    }
}
