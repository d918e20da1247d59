package dev.reviewenv.push.webhook;

import dev.reviewenv.push.PullRequestEvent;
import dev.reviewenv.push.PushRequest;
import java.util.Optional;

/** What a provider's webhook delivery means: a push or a pull request event to handle, or nothing to do (and why). */
public record WebhookEvent(Optional<PushRequest> push, Optional<PullRequestEvent> pullRequest, String ignored) {
    public static WebhookEvent of(PushRequest push) {
        return new WebhookEvent(Optional.of(push), Optional.empty(), null);
    }

    public static WebhookEvent of(PullRequestEvent pullRequest) {
        return new WebhookEvent(Optional.empty(), Optional.of(pullRequest), null);
    }

    public static WebhookEvent ignore(String why) {
        return new WebhookEvent(Optional.empty(), Optional.empty(), why);
    }
}
