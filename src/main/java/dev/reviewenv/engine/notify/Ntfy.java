package dev.reviewenv.engine.notify;

import dev.reviewenv.engine.http.Http;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ntfy's HTTP publish API: a {@code POST} of the message to the topic URL, with the title, tags,
 * click URL and actions as headers (ntfy.sh/docs/publish). Non-ASCII header values are sent as
 * RFC 2047 encoded words, which ntfy decodes.
 */
public class Ntfy {
    private final Http http;
    private final String topicUrl;

    public Ntfy(Http http, String topicUrl) {
        this.http = http;
        this.topicUrl = topicUrl;
    }

    /** One action button: {@code view} opens {@code url}. */
    public record Action(String label, String url) {
    }

    /** Publishes a message; throws when ntfy does not take it. */
    public void publish(String title, String message, List<String> tags, String click, List<Action> actions) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Title", header(title));
        if (!tags.isEmpty()) {
            headers.put("Tags", String.join(",", tags));
        }
        if (click != null) {
            headers.put("Click", click);
        }
        if (!actions.isEmpty()) {
            headers.put("Actions", String.join("; ", actions.stream()
                    .map(a -> "view, " + a.label().replace(",", " ") + ", " + a.url() + ", clear=true").toList()));
        }
        headers.put("Content-Type", "text/plain; charset=utf-8");
        Http.Answer a = http.send("POST", topicUrl, headers, message);
        if (!a.ok()) {
            throw new Http.HttpFailure("ntfy at " + Http.host(topicUrl) + " answered " + a.status());
        }
    }

    private static String header(String value) {
        boolean ascii = value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return ascii ? value : "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
