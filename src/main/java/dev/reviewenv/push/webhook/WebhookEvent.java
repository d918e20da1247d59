package dev.reviewenv.push.webhook;

import dev.reviewenv.push.PushRequest;
import java.util.Optional;

/** What a provider's webhook delivery means: a push to handle, or nothing to do (and why). */
public record WebhookEvent(Optional<PushRequest> push, String ignored) {
    public static WebhookEvent of(PushRequest push) {
        return new WebhookEvent(Optional.of(push), null);
    }

    public static WebhookEvent ignore(String why) {
        return new WebhookEvent(Optional.empty(), why);
    }
}
