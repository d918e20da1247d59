package dev.reviewenv.engine.build;

import dev.reviewenv.config.Limits;
import dev.reviewenv.naming.EnvironmentName;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One image to build for an environment, as its compose file's {@code build:} says, with the paths
 * already proven inside the checkout. Local paths are absolute paths under {@code checkout}.
 *
 * @param image      the tag the build gets ({@code <name>/<service>:<commit>}, or on a swarm its registry's form)
 * @param context    a directory of the checkout, or an {@code http(s)://} URL the builder fetches itself
 * @param dockerfile the Dockerfile: a file of the checkout, or empty for the context's own {@code Dockerfile}
 * @param inline     the Dockerfile's text, when the file writes it inline ({@code dockerfile_inline})
 * @param contexts   more named contexts: directories of the checkout, or {@code docker-image://} references
 * @param secrets    build secrets by id: files of the checkout
 * @param noNetwork  {@code network: none}: the build's {@code RUN} steps get no network at all
 */
public record BuildSpec(EnvironmentName environment, String service, String repository, String image, Path checkout,
        String context, Optional<Path> dockerfile, Optional<String> inline, Map<String, String> args, Optional<String> target,
        Map<String, String> labels, boolean noCache, boolean pull, Optional<String> shmSize, List<String> extraHosts,
        List<String> ulimits, boolean noNetwork, Map<String, String> contexts, Map<String, Path> secrets, Limits limits) {

    public BuildSpec {
        args = Map.copyOf(args);
        labels = Map.copyOf(labels);
        extraHosts = List.copyOf(extraHosts);
        ulimits = List.copyOf(ulimits);
        contexts = Map.copyOf(contexts);
        secrets = Map.copyOf(secrets);
    }

    /** Whether the context is fetched from a URL rather than read from the checkout. */
    public boolean remoteContext() {
        return context.startsWith("https://") || context.startsWith("http://");
    }
}
