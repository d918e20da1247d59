package dev.reviewenv.engine.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.engine.http.Http;
import java.util.Map;

/** A JSON webhook: every event is {@code POST}ed to one URL as a JSON object. */
public class Webhook {
    private final Http http;
    private final String url;
    private final ObjectMapper json = new ObjectMapper();

    public Webhook(Http http, String url) {
        this.http = http;
        this.url = url;
    }

    public void post(Map<String, Object> event) {
        String body;
        try {
            body = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an event that is not JSON", e);
        }
        Http.Answer a = http.send("POST", url, Map.of("Content-Type", "application/json", "User-Agent", "reviewenv"), body);
        if (!a.ok()) {
            throw new Http.HttpFailure("the webhook at " + Http.host(url) + " answered " + a.status());
        }
    }
}
