package dev.reviewenv.engine.compose;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.engine.schema.JsonSchemas;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A compose file as a tree of maps and lists: parsed safely (no custom tags, bounded aliases and
 * size), checked against the Compose specification, and written back as YAML.
 */
public final class ComposeDocument {
    /** Largest compose file accepted, in characters. */
    public static final int MAX_SIZE = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ComposeDocument() {
    }

    /** Parses {@code text}; {@code file} names it in errors. */
    public static Map<String, Object> parse(String file, String text) {
        if (text.length() > MAX_SIZE) {
            throw new ComposeFileException(file, List.of("larger than " + MAX_SIZE + " characters; a compose file is not that big"));
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(100);
        options.setCodePointLimit(MAX_SIZE);
        options.setNestingDepthLimit(50);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Object doc;
        try {
            doc = yaml.load(text);
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() == null ? "" : " at line " + (e.getProblemMark().getLine() + 1)
                    + ", column " + (e.getProblemMark().getColumn() + 1);
            throw new ComposeFileException(file, List.of("not valid YAML" + where + ": " + e.getProblem()));
        } catch (YAMLException e) {
            throw new ComposeFileException(file, List.of("not valid YAML: " + e.getMessage()));
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new ComposeFileException(file, List.of("must be a YAML mapping with a top-level 'services:' key"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue());
        }
        return out;
    }

    /** Every way the document breaks the Compose specification, as {@code path: message}. */
    public static List<String> violations(Map<String, Object> doc) {
        try {
            return JsonSchemas.COMPOSE.violations(JSON.valueToTree(doc));
        } catch (IllegalArgumentException e) {
            return List.of("cannot be read as JSON: " + e.getMessage());
        }
    }

    /** Throws when the document is not a valid compose file, listing every violation. */
    public static void requireValid(String file, Map<String, Object> doc) {
        List<String> v = violations(doc);
        if (!v.isEmpty()) {
            throw new ComposeFileException(file, v.stream().map(m -> m + " (Compose specification)").toList());
        }
    }

    public static String toYaml(Map<String, Object> doc) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setWidth(200);
        options.setSplitLines(false);
        Representer representer = new Representer(options);
        return new Yaml(representer, options).dump(doc);
    }
}
