package dev.reviewenv.push;

import java.util.Map;

/** What the hook (or a webhook, translated) says about one pushed ref. */
public record PushRequest(String repository, String ref, String before, String after, Map<String, String> options) {
    public PushRequest {
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
