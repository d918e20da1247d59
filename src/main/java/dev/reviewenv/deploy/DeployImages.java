package dev.reviewenv.deploy;

import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.naming.EnvironmentName;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** The images of a deploy: which it ran before, which it replaced, and which it could not find. */
@Singleton
public class DeployImages {
    private final DockerEngine docker;

    public DeployImages(DockerEngine docker) {
        this.docker = docker;
    }

    /** The ids of the images the environment's containers run now. */
    public Set<String> running(EnvironmentName name) {
        return docker.imageIds(name);
    }

    /** Images the environment ran before this deploy and runs no more (replaced builds) are removed. */
    public void removeReplaced(EnvironmentName name, Set<String> before, Consumer<String> out) {
        Set<String> now = running(name);
        for (String id : before) {
            if (!now.contains(id) && docker.removeUnusedImage(id)) {
                out.accept("removed replaced image " + id);
            }
        }
    }

    /** Names the images the file uses that are neither built nor on this host, for the failure report. */
    public String missing(Map<String, Object> doc) {
        StringBuilder sb = new StringBuilder();
        if (doc.get("services") instanceof Map<?, ?> services) {
            services.forEach((service, def) -> {
                if (def instanceof Map<?, ?> d && d.get("image") != null && d.get("build") == null
                        && !docker.imageExists(String.valueOf(d.get("image")))) {
                    sb.append("\nimage ").append(d.get("image")).append(" of service ").append(service)
                            .append(" is not on this host and could not be pulled; build it here, or add a build: section");
                }
            });
        }
        return sb.toString();
    }
}
