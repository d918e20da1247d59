package dev.reviewenv.deploy;

import dev.reviewenv.engine.docker.Labels;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.EnvironmentNames;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The images an environment builds are its own: each is named {@code <name>/<service>:<commit>} and
 * labelled, so no branch can name its build after an image others use; a service that runs the image
 * a build was named in the file ({@code image: app} beside {@code build:}) runs the build instead.
 */
final class BuiltImages {
    /** Where a build remembers the {@code image:} the file gave it, until {@link #pointAtBuilds} has used it. */
    static final String WRITTEN_IMAGE = "x-reviewenv-image";

    private BuiltImages() {
    }

    /**
     * Names the build of {@code service} (its definition {@code def}) {@code <name>/<service>:<commit>},
     * labels it and resolves a relative context against {@code checkout}; the {@code image:} the file
     * gave it is kept for {@link #pointAtBuilds} and said in {@code notes}.
     */
    static void nameBuiltImage(String service, Map<String, Object> def, EnvironmentName name, String commit,
            Path checkout, List<String> notes) {
        Map<String, Object> build = new LinkedHashMap<>();
        if (def.get("build") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> build.put(String.valueOf(k), v));
        } else {
            build.put("context", String.valueOf(def.get("build")));
        }
        String context = build.get("context") == null ? "." : String.valueOf(build.get("context"));
        build.put("context", context.contains("://") ? context : checkout.resolve(context).normalize().toString());
        build.put("labels", Labels.withEnvironment(build.get("labels"), name));
        def.put("build", build);
        String image = EnvironmentNames.builtImage(name, service, commit);
        if (def.get("image") != null) {
            notes.add("services." + service + ".image: the build is named " + image + ", not '" + def.get("image")
                    + "' (a branch never replaces an image others may use)");
            build.put(WRITTEN_IMAGE, def.get("image"));
        }
        def.put("image", image);
    }

    /**
     * Services without {@code build:} whose {@code image:} is the name another service's build was
     * given in the file run that build: the image of that name is now the environment's own.
     */
    static void pointAtBuilds(Map<String, Object> services, List<String> notes) {
        Map<String, String> built = new LinkedHashMap<>();
        services.values().forEach(v -> {
            if (v instanceof Map<?, ?> s && s.get("build") instanceof Map<?, ?> b && b.get(WRITTEN_IMAGE) != null) {
                built.putIfAbsent(String.valueOf(b.get(WRITTEN_IMAGE)), String.valueOf(s.get("image")));
                ((Map<?, ?>) b).remove(WRITTEN_IMAGE);
            }
        });
        services.forEach((n, v) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) v;
            if (s.get("build") == null && s.get("image") != null && built.containsKey(String.valueOf(s.get("image")))) {
                String image = built.get(String.valueOf(s.get("image")));
                notes.add("services." + n + ".image: runs " + image + ", the build of '" + s.get("image") + "' in this file");
                s.put("image", image);
            }
        });
    }
}
