package dev.reviewenv.engine.compose;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.engine.schema.JsonSchemas;
import java.io.StringReader;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A compose file as a tree of maps and lists: parsed safely (no custom tags, bounded aliases and
 * size), checked against the Compose specification, and written back as YAML.
 */
public final class ComposeDocument {
    /** Largest compose file accepted, in characters. */
    public static final int MAX_SIZE = 1_000_000;
    /**
     * Most nodes a file may hold once its aliases are expanded: what an alias bomb costs is bounded
     * here (a real compose file, anchors and all, has a few thousand).
     */
    public static final long MAX_NODES = 100_000;
    /**
     * Most aliases a file may use: not a bound on cost (that is {@link #MAX_NODES}), only on the
     * parser's own bookkeeping; real files lean on anchors (one per service is common).
     */
    public static final int MAX_ALIASES = 10_000;
    /** Deepest nesting of collections. */
    public static final int MAX_DEPTH = 40;
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
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setCodePointLimit(MAX_SIZE);
        options.setNestingDepthLimit(MAX_DEPTH);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Object doc;
        try {
            // The node graph first (aliases are shared nodes there): its expanded size is bounded
            // before anything is built from it, so a few hundred bytes cannot stand for billions.
            Node root = yaml.compose(new StringReader(text));
            long nodes = root == null ? 0 : expandedSize(root, new IdentityHashMap<>(), 0);
            if (nodes > MAX_NODES) {
                throw new ComposeFileException(file, List.of("expands to more than " + MAX_NODES
                        + " YAML nodes through its aliases (&anchors and *references); write the file out plainly"));
            }
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

    /** How many nodes {@code node} stands for with every alias expanded; stops counting past the limit. */
    private static long expandedSize(Node node, IdentityHashMap<Node, Long> seen, int depth) {
        Long known = seen.get(node);
        if (known != null) {
            return known;
        }
        if (depth > MAX_DEPTH) {
            return MAX_NODES + 1;
        }
        long n = 1;
        if (node instanceof SequenceNode seq) {
            for (Node child : seq.getValue()) {
                n = Math.min(MAX_NODES + 1, n + expandedSize(child, seen, depth + 1));
            }
        } else if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                n = Math.min(MAX_NODES + 1, n + expandedSize(t.getKeyNode(), seen, depth + 1)
                        + expandedSize(t.getValueNode(), seen, depth + 1));
            }
        }
        seen.put(node, n);
        return n;
    }

    /**
     * Reads the model Compose printed with {@code config}: JSON (Compose v2) or YAML (v1), with
     * the same bounds as a file a branch wrote.
     */
    public static Map<String, Object> parseResolved(String file, String text, boolean json) {
        if (!json) {
            return parse("the resolved " + file, text);
        }
        try {
            Map<String, Object> doc = JSON.readValue(text, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
            if (doc == null) {
                throw new ComposeFileException(file, List.of("Compose resolved it to nothing"));
            }
            return doc;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ComposeFileException(file, List.of("Compose's resolved model is not JSON: " + e.getOriginalMessage()));
        }
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
