package dev.reviewenv.engine.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reviewenv.engine.http.Http;
import java.util.Map;
import java.util.Optional;

/** Gitea's API v1 (base {@code https://<host>/api/v1}): statuses, pulls, issue comments; {@code Authorization: token}. */
public class Gitea extends ForgeApi {
    public Gitea(Http http, String base, String token) {
        super(http, base, Map.of("Authorization", "token " + token));
    }

    @Override
    public void status(String repository, String commit, State state, String targetUrl, String description) {
        call("POST", "/repos/" + repository + "/statuses/" + commit, Map.of("state", state.name().toLowerCase(),
                "target_url", targetUrl, "description", description, "context", CONTEXT));
    }

    @Override
    public Optional<Long> openRequest(String repository, String branch) {
        for (JsonNode pull : call("GET", "/repos/" + repository + "/pulls?state=open&limit=50", null)) {
            if (branch.equals(pull.at("/head/ref").asText())) {
                return Optional.of(pull.get("number").asLong());
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean hasComment(String repository, long request, String marker) {
        for (JsonNode c : call("GET", "/repos/" + repository + "/issues/" + request + "/comments", null)) {
            if (c.path("body").asText().contains(marker)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void comment(String repository, long request, String body) {
        call("POST", "/repos/" + repository + "/issues/" + request + "/comments", Map.of("body", body));
    }
}
