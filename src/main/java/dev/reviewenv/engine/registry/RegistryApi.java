package dev.reviewenv.engine.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image registry over its HTTP API (the Docker Registry HTTP API v2 that the CNCF distribution
 * registry, Harbor, GitLab's and Gitea's registries speak): the tags of a repository, and removing
 * them. Blobs are freed by the registry's own garbage collection.
 */
public class RegistryApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String ACCEPT = String.join(",", "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");
    private static final Pattern TAG = Pattern.compile("\"([^\"]+)\"");

    private final String registry;
    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code registry} as in image references ({@code host:port[/path]}); {@code http}: plain HTTP. */
    public RegistryApi(String registry, boolean http) {
        this.registry = registry;
        int slash = registry.indexOf('/');
        String host = slash < 0 ? registry : registry.substring(0, slash);
        this.base = (http ? "http://" : "https://") + host + "/v2/";
    }

    /** The reference prefix of images in this registry: {@code <registry>/}. */
    public String prefix() {
        return registry + "/";
    }

    /** The repository path of an image reference in this registry ({@code path/name} without tag), or null. */
    public String repository(String image) {
        if (!image.startsWith(prefix())) {
            return null;
        }
        String rest = registry.substring(registry.indexOf('/') < 0 ? registry.length() : registry.indexOf('/') + 1);
        String name = image.substring(prefix().length()).replaceFirst("[:@].*$", "");
        return rest.isEmpty() ? name : rest + "/" + name;
    }

    /** The tags of a repository; empty when it has none or does not exist. */
    public List<String> tags(String repository) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + repository + "/tags/list")).GET());
        List<String> tags = new ArrayList<>();
        if (r.statusCode() == 404) {
            return tags;
        }
        require(r, "listing the tags of " + repository);
        int at = r.body().indexOf("\"tags\"");
        if (at >= 0 && r.body().indexOf('[', at) >= 0) {
            String list = r.body().substring(r.body().indexOf('[', at), Math.max(r.body().indexOf(']', at), r.body().indexOf('[', at)));
            Matcher m = TAG.matcher(list);
            while (m.find()) {
                tags.add(m.group(1));
            }
        }
        return tags;
    }

    /**
     * Removes the manifest {@code tag} of {@code repository} points to (and so every tag on it). False
     * when it was not there; throws, naming the fix, when the registry refuses deletes.
     */
    public boolean delete(String repository, String tag) {
        HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(base + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", ACCEPT));
        if (head.statusCode() == 404) {
            return false;
        }
        require(head, "reading " + repository + ":" + tag);
        String digest = head.headers().firstValue("Docker-Content-Digest").orElseThrow(() -> new IllegalStateException(
                "the registry " + registry + " gave no digest for " + repository + ":" + tag));
        HttpResponse<String> del = send(HttpRequest.newBuilder(URI.create(base + repository + "/manifests/" + digest)).DELETE());
        if (del.statusCode() == 405) {
            throw new IllegalStateException("the registry " + registry + " does not allow deletes, so "
                    + repository + ":" + tag + " stays; enable them (storage.delete.enabled: true for the CNCF registry)");
        }
        if (del.statusCode() == 404) {
            return false;
        }
        require(del, "deleting " + repository + ":" + tag);
        return true;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the registry " + registry + " does not answer (" + e.getClass().getSimpleName()
                    + "); check reviewenv.swarm.registry", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to the registry " + registry, e);
        }
    }

    private void require(HttpResponse<String> r, String what) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + " in the registry " + registry + " failed with HTTP " + r.statusCode());
        }
    }

    /**
     * Removes every tag of the repositories of {@code images} (each environment's own); says each
     * tag removed. Images of other registries are not its to remove.
     */
    public void removeRepositoriesOf(java.util.Collection<String> images, java.util.function.Consumer<String> out) {
        java.util.Set<String> repositories = new java.util.LinkedHashSet<>();
        for (String image : images) {
            String repository = repository(image);
            if (repository != null) {
                repositories.add(repository);
            }
        }
        for (String repository : repositories) {
            for (String tag : tags(repository)) {
                if (delete(repository, tag)) {
                    out.accept("removed " + prefix() + repository.substring(repository.lastIndexOf('/') + 1) + ":" + tag
                            + " from the registry");
                }
            }
        }
    }
}
