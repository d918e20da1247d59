package dev.reviewenv.engine.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reviewenv.engine.http.Http;
import java.util.Map;
import java.util.Optional;

/** GitHub's REST API (base {@code https://api.github.com}): statuses, pulls, issue comments; a bearer token. */
public class GitHub extends ForgeApi {
    public GitHub(Http http, String base, String token) {
        this(http, base, Map.of("Authorization", "Bearer " + token, "X-GitHub-Api-Version", "2022-11-28"));
    }

    /** For an API that answers as GitHub's does ({@link Gitea}), with its own authentication. */
    GitHub(Http http, String base, Map<String, String> auth) {
        super(http, base, auth);
    }

    @Override
    public void status(String repository, String commit, State state, String targetUrl, String description) {
        call("POST", "/repos/" + repository + "/statuses/" + commit, Map.of("state", state.name().toLowerCase(),
                "target_url", targetUrl, "description", description, "context", CONTEXT));
    }

    @Override
    public Optional<Long> openRequest(String repository, String branch) {
        String owner = repository.substring(0, repository.indexOf('/'));
        for (JsonNode pull : call("GET", "/repos/" + repository + "/pulls?state=open&head=" + encode(owner + ":" + branch), null)) {
            return Optional.of(pull.get("number").asLong());
        }
        return Optional.empty();
    }

    @Override
    public Optional<Long> commentWith(String repository, long request, String marker) {
        return idOfBodyWith("/repos/" + repository + "/issues/" + request + "/comments?per_page=100", marker);
    }

    @Override
    public void editComment(String repository, long request, long comment, String body) {
        call("PATCH", "/repos/" + repository + "/issues/comments/" + comment, Map.of("body", body));
    }

    @Override
    public void comment(String repository, long request, String body) {
        call("POST", "/repos/" + repository + "/issues/" + request + "/comments", Map.of("body", body));
    }
}
