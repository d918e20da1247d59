package dev.reviewenv.engine.swarm;

import dev.reviewenv.engine.compose.ComposeDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the swarm engine reads back from an environment's recorded (rendered, swarm-adapted) file. */
final class StackFile {
    private final Map<String, Object> doc;

    private StackFile(Map<String, Object> doc) {
        this.doc = doc;
    }

    static StackFile read(Path file) {
        try {
            return new StackFile(ComposeDocument.parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The images of the services that build theirs (reviewenv built them, tagged as the registry's names). */
    List<String> builtImages() {
        return services().values().stream().filter(s -> s.get("build") != null && s.get("image") != null)
                .map(s -> String.valueOf(s.get("image"))).toList();
    }

    /** The replicas each service asks for (1 when it does not say). */
    Map<String, Long> replicas() {
        Map<String, Long> out = new LinkedHashMap<>();
        services().forEach((k, s) -> {
            Object n = s.get("deploy") instanceof Map<?, ?> d ? d.get("replicas") : null;
            out.put(k, n instanceof Number num ? num.longValue() : 1L);
        });
        return out;
    }

    private Map<String, Map<?, ?>> services() {
        Map<String, Map<?, ?>> out = new LinkedHashMap<>();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> s ? s : Map.of()));
        }
        return out;
    }
}
