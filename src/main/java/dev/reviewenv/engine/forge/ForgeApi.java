package dev.reviewenv.engine.forge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.engine.http.Http;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the three forges' adapters share: JSON over HTTP with a token header that is never logged. */
abstract class ForgeApi implements Forge {
    private final Http http;
    private final String base;
    private final Map<String, String> auth;
    private final ObjectMapper json = new ObjectMapper();

    ForgeApi(Http http, String base, Map<String, String> auth) {
        this.http = http;
        this.base = base.replaceAll("/+$", "");
        this.auth = Map.copyOf(auth);
    }

    JsonNode call(String method, String path, Map<String, Object> body) {
        Map<String, String> headers = new LinkedHashMap<>(auth);
        headers.put("Accept", "application/json");
        headers.put("User-Agent", "reviewenv");
        String text = null;
        if (body != null) {
            headers.put("Content-Type", "application/json");
            try {
                text = json.writeValueAsString(body);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }
        Http.Answer a = http.send(method, base + path, headers, text);
        if (!a.ok()) {
            throw new Http.HttpFailure(getClass().getSimpleName() + " " + method + " " + path + " answered " + a.status());
        }
        try {
            return a.body().isBlank() ? json.nullNode() : json.readTree(a.body());
        } catch (JsonProcessingException e) {
            throw new Http.HttpFailure(getClass().getSimpleName() + " " + method + " " + path + " answered something that is not JSON");
        }
    }

    /** The id of the first item (comment, note) that {@code path} lists with {@code marker} in its body. */
    Optional<Long> idOfBodyWith(String path, String marker) {
        for (JsonNode item : call("GET", path, null)) {
            if (item.path("body").asText().contains(marker) && item.path("id").canConvertToLong()) {
                return Optional.of(item.path("id").asLong());
            }
        }
        return Optional.empty();
    }

    static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
