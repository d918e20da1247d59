package dev.reviewenv.teardown;

import dev.reviewenv.engine.compose.ComposeDocument;
import dev.reviewenv.engine.docker.DockerEngine;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.naming.EnvironmentName;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which images an environment uses, and which of them another environment uses too. */
@Singleton
public class ImageUse {
    private final RecordStore records;
    private final DockerEngine docker;

    public ImageUse(RecordStore records, DockerEngine docker) {
        this.records = records;
        this.docker = docker;
    }

    /** The images of this stack that another environment also uses (a container of it, or its recorded compose file). */
    public Map<String, Set<String>> shared(EnvironmentName name, List<String> images) {
        Map<EnvironmentName, List<String>> others = new HashMap<>();
        for (EnvironmentName other : records.names()) {
            if (!other.equals(name)) {
                others.put(other, imagesOf(other, records.composeFile(other)));
            }
        }
        Map<String, Set<String>> shared = new LinkedHashMap<>();
        for (String image : images) {
            Set<String> users = new TreeSet<>(docker.imageUsers(image));
            users.remove(name.value());
            others.forEach((other, used) -> {
                if (used.contains(image)) {
                    users.add(other.value());
                }
            });
            if (!users.isEmpty()) {
                shared.put(image, users);
            }
        }
        return shared;
    }

    /**
     * What {@code down --rmi all} removes, for when it could not run: every service's image, or
     * the name Compose gives a built one ({@code <project>-<service>} in v2, {@code <project>_<service>} in v1).
     */
    static List<String> imagesOf(EnvironmentName name, Path composeFile) {
        List<String> images = new ArrayList<>();
        if (!Files.isRegularFile(composeFile)) {
            return images;
        }
        try {
            Map<String, Object> doc = ComposeDocument.parse(composeFile.toString(), Files.readString(composeFile));
            if (doc.get("services") instanceof Map<?, ?> services) {
                services.forEach((service, def) -> {
                    if (def instanceof Map<?, ?> d && d.get("image") != null) {
                        images.add(String.valueOf(d.get("image")));
                    } else {
                        images.add(name.value() + "-" + service);
                        images.add(name.value() + "_" + service);
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            Log.warnf("cannot read %s for its images: %s", composeFile, e.getMessage());
        }
        return images;
    }
}
