package dev.reviewenv.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.reviewenv.engine.stack.Images;
import dev.reviewenv.naming.EnvironmentName;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The host's image store over the Docker API: what is there, whose build an image is (reviewenv's
 * label), who runs it, and the save and load of a build's archive.
 */
public class DockerImages implements Images {
    private final DockerClient client;

    DockerImages(DockerClient client) {
        this.client = client;
    }

    /** The ids of the images built for the environment (they carry its label), in use or not. */
    @Override
    public Set<String> builtFor(EnvironmentName name) {
        Set<String> ids = new java.util.LinkedHashSet<>();
        client.listImagesCmd().withShowAll(true).withLabelFilter(Map.of(Labels.ENVIRONMENT, name.value())).exec()
                .forEach(i -> ids.add(i.getId()));
        return ids;
    }

    /** The environment an image was built for (its reviewenv label), or empty for any other image or none. */
    @Override
    public Optional<String> environmentOf(String image) {
        try {
            var labels = client.inspectImageCmd(image).exec().getConfig();
            return Optional.ofNullable(labels == null ? null : label(labels.getLabels(), Labels.ENVIRONMENT));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The compose projects or stacks (or container names) of the containers, in any state, that run {@code image}. */
    @Override
    public Set<String> users(String image) {
        Set<String> users = new java.util.TreeSet<>();
        try {
            for (Container c : client.listContainersCmd().withShowAll(true).withAncestorFilter(List.of(image)).exec()) {
                String project = label(c.getLabels(), Labels.COMPOSE_PROJECT);
                project = project != null ? project : label(c.getLabels(), SwarmApi.STACK_NAMESPACE);
                users.add(project != null ? project : String.join(",", c.getNames()));
            }
        } catch (RuntimeException noSuchImage) {
            // an image that is not there has no users
        }
        return users;
    }

    /** The ids of the images the environment's containers on this host run (a Compose project's or a stack's). */
    @Override
    public Set<String> runBy(EnvironmentName project) {
        Set<String> ids = new java.util.HashSet<>();
        for (Container c : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.ENVIRONMENT, project.value())).exec()) {
            ids.add(c.getImageId());
        }
        return ids;
    }

    @Override
    public boolean exists(String image) {
        try {
            client.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The size of an image in bytes; empty when it is not on the host. */
    @Override
    public OptionalLong size(String image) {
        try {
            Long size = client.inspectImageCmd(image).exec().getSize();
            return size == null ? OptionalLong.empty() : OptionalLong.of(size);
        } catch (NotFoundException e) {
            return OptionalLong.empty();
        }
    }

    /** Removes one image, never forced: false when a container still uses it. "Not found" counts as removed. */
    @Override
    public boolean remove(String image) {
        try {
            client.removeImageCmd(image).withForce(false).exec();
            return true;
        } catch (NotFoundException ignored) {
            return true;
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            return false;
        }
    }

    /** The id of an image, if it is on the host. */
    public Optional<String> id(String image) {
        try {
            return Optional.ofNullable(client.inspectImageCmd(image).exec().getId());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Writes an image of the host's store as a docker-archive ({@code docker save}). */
    public void save(String image, java.nio.file.Path file) {
        try (java.io.InputStream in = client.saveImageCmd(image).exec()) {
            java.nio.file.Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot save image " + image + " to " + file, e);
        }
    }

    /**
     * Loads one image from a docker-archive into the host's store under {@code tag} and no other
     * name: whatever names the archive gives (its {@code manifest.json}, its {@code repositories}),
     * only {@code tag} is applied. Refuses an archive of more or less than one image. Returns the
     * image's id.
     */
    public String load(java.nio.file.Path archive, String tag) {
        java.nio.file.Path tagged = archive.resolveSibling(archive.getFileName() + ".tagged");
        try {
            ImageArchives.retag(archive, tagged, tag);
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(tagged)) {
                client.loadImageCmd(in).exec();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot load the image built as " + tag + ": " + e.getMessage(), e);
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(tagged);
            } catch (IOException ignored) {
                // its directory goes with the build
            }
        }
        return id(tag).orElseThrow(() -> new IllegalStateException("the image built as " + tag + " is not on the host after loading it"));
    }

    private static String label(Map<String, String> labels, String key) {
        return labels == null ? null : labels.get(key);
    }
}
