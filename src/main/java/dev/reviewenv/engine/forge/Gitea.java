package dev.reviewenv.engine.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reviewenv.engine.http.Http;
import java.util.Map;
import java.util.Optional;

/**
 * Gitea's API v1 (base {@code https://<host>/api/v1}), which answers as GitHub's does for
 * statuses and issue comments; pulls are found by their head branch; {@code Authorization: token}.
 */
public class Gitea extends GitHub {
    public Gitea(Http http, String base, String token) {
        super(http, base, Map.of("Authorization", "token " + token));
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
    public Optional<Long> commentWith(String repository, long request, String marker) {
        return idOfBodyWith("/repos/" + repository + "/issues/" + request + "/comments", marker);
    }
}
