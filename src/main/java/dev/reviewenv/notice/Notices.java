package dev.reviewenv.notice;

import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.config.Secrets;
import dev.reviewenv.engine.http.Http;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.notify.Ntfy;
import dev.reviewenv.engine.notify.Webhook;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends every event to the configured channels ({@code reviewenv.notify.ntfy}, {@code .webhook}),
 * in the background and in order: a channel that is slow or down is tried three times and never
 * holds up a deploy; at most {@link Outbox#LIMIT} events wait.
 */
@Singleton
public class Notices {
    private final Optional<Ntfy> ntfy;
    private final Optional<Webhook> webhook;
    private final Outbox outbox;
    private final Secrets secrets;

    public Notices(ReviewenvConfig config, Http http, Secrets secrets, java.time.Clock clock) {
        this.outbox = new Outbox("reviewenv-notices", clock);
        this.secrets = secrets;
        this.ntfy = config.notifications().ntfy().map(url -> new Ntfy(http, url));
        this.webhook = config.notifications().webhook().map(url -> new Webhook(http, url));
    }

    /** An environment's event from its record ({@code reason}: why it ended, or the first lines of a failure). */
    public void send(String event, EnvironmentRecord r, Optional<Instant> removeAt, String job, String reason, String extendUrl) {
        send(new Notice(event, r.name(), r.repository(), r.branch(), r.commit(), r.url(), job, r.status().key(), removeAt.orElse(null),
                extendUrl, secrets.mask(reason)));
    }

    public void send(Notice n) {
        ntfy.ifPresent(channel -> outbox.post("ntfy " + n.event() + " of " + n.environment(), () -> channel.publish(n.title(),
                n.message(), n.tags(), n.url(), n.extendUrl() == null ? List.of() : List.of(new Ntfy.Action("Extend", n.extendUrl())))));
        webhook.ifPresent(channel -> outbox.post("webhook " + n.event() + " of " + n.environment(), () -> channel.post(json(n))));
        Log.debugf("event %s of %s", n.event(), n.environment());
    }

    /** The webhook's body: the fields the contract names, and the reason when there is one. */
    static Map<String, Object> json(Notice n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", n.event());
        m.put("environment", n.environment());
        m.put("repository", n.repository());
        m.put("branch", n.branch());
        m.put("commit", n.commit());
        m.put("url", n.url());
        m.put("job", n.job());
        m.put("status", n.status());
        m.put("removeAt", n.removeAt() == null ? null : n.removeAt().toString());
        m.put("extendUrl", n.extendUrl());
        m.put("reason", n.reason());
        return m;
    }

    void stop(@Observes ShutdownEvent event) {
        outbox.close();
    }
}
