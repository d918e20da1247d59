package dev.reviewenv.engine.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reviewenv.engine.http.Http;
import java.util.Map;
import java.util.Optional;

/**
 * GitLab's REST API v4 (base {@code https://gitlab.com/api/v4}): commit statuses, merge requests
 * and their notes; {@code PRIVATE-TOKEN}. A project is its URL-encoded path.
 */
public class GitLab extends ForgeApi {
    public GitLab(Http http, String base, String token) {
        super(http, base, Map.of("PRIVATE-TOKEN", token));
    }

    @Override
    public void status(String repository, String commit, State state, String targetUrl, String description) {
        String s = switch (state) {
            case PENDING -> "pending";
            case SUCCESS -> "success";
            case FAILURE -> "failed";
        };
        call("POST", "/projects/" + encode(repository) + "/statuses/" + commit, Map.of("state", s, "target_url", targetUrl,
                "description", description, "name", CONTEXT));
    }

    @Override
    public Optional<Long> openRequest(String repository, String branch) {
        for (JsonNode mr : call("GET", "/projects/" + encode(repository) + "/merge_requests?state=opened&source_branch="
                + encode(branch), null)) {
            return Optional.of(mr.get("iid").asLong());
        }
        return Optional.empty();
    }

    @Override
    public Optional<Long> commentWith(String repository, long request, String marker) {
        return idOfBodyWith("/projects/" + encode(repository) + "/merge_requests/" + request + "/notes?per_page=100", marker);
    }

    @Override
    public void editComment(String repository, long request, long comment, String body) {
        call("PUT", "/projects/" + encode(repository) + "/merge_requests/" + request + "/notes/" + comment, Map.of("body", body));
    }

    @Override
    public void comment(String repository, long request, String body) {
        call("POST", "/projects/" + encode(repository) + "/merge_requests/" + request + "/notes", Map.of("body", body));
    }
}
