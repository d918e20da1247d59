package dev.reviewenv.push.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.push.PushAccepted;
import dev.reviewenv.push.PushRefused;
import dev.reviewenv.push.PushService;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.Optional;
import java.util.function.Function;

/**
 * Webhook deliveries from GitHub, Gitea and GitLab: the repository must be one the
 * configuration names with a {@code webhook-secret}, the signature must match it, and then a
 * push or branch deletion becomes a job exactly as from the hook. A refused delivery changes nothing.
 */
@Singleton
public class Webhooks {
    private final ReviewenvConfig config;
    private final PushService pushes;
    private final ObjectMapper json = new ObjectMapper();

    public Webhooks(ReviewenvConfig config, PushService pushes) {
        this.config = config;
        this.pushes = pushes;
    }

    /**
     * The job started for the delivery, or empty when there is nothing to do. The signature is
     * checked before the body is parsed: against every repository's {@code webhook-secret} (the
     * repository is only known from inside the body), so a body nobody signed is never read; then
     * the repository it names must be one whose secret signed it.
     */
    public Optional<PushAccepted> deliver(String providerName, byte[] body, Function<String, String> headers) {
        Provider provider = Provider.of(providerName);
        Set<String> signers = signers(provider, body, headers);
        JsonNode payload;
        try {
            payload = json.readTree(body);
        } catch (IOException e) {
            throw new PushRefused(400, "bad request", "the body is not JSON");
        }
        if (payload == null || !payload.isObject()) {
            throw new PushRefused(400, "bad request", "the body is not a JSON object");
        }
        String repository = provider.repository(payload);
        if (!signers.contains(repository)) {
            throw new PushRefused(403, "forbidden", "repository " + repository + " is not configured for webhooks (or the delivery"
                    + " is signed with another repository's secret); set reviewenv.repositories.\"" + repository + "\".webhook-secret");
        }
        WebhookEvent event = provider.event(payload, headers, repository);
        ReviewenvConfig.EnvironmentsFor wanted = config.repository(repository).map(ReviewenvConfig.Repository::environmentsFor)
                .orElse(ReviewenvConfig.EnvironmentsFor.BRANCHES);
        if (event.push().isPresent() && wanted.branches()) {
            return Optional.of(pushes.push(event.push().get()));
        }
        if (event.pullRequest().isPresent() && wanted.pullRequests()) {
            return Optional.of(pushes.pullRequest(event.pullRequest().get()));
        }
        String why = event.ignored() != null ? event.ignored() : (event.push().isPresent() ? "a push" : "a pull request event")
                + ", and " + repository + " has environments for " + wanted.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + " (reviewenv.repositories.\"" + repository + "\".environments-for)";
        Log.infof("%s webhook for %s ignored: %s", provider, repository, why);
        return Optional.empty();
    }

    /** The repositories whose webhook secret signed the body; 401 when none did. */
    private Set<String> signers(Provider provider, byte[] body, Function<String, String> headers) {
        Set<String> signers = new HashSet<>();
        for (var e : config.repositories().entrySet()) {
            Optional<String> secret = e.getValue().webhookSecret();
            if (secret.isPresent() && provider.signedWith(body, headers, secret.get())) {
                signers.add(e.getKey());
            }
        }
        if (signers.isEmpty()) {
            throw new PushRefused(401, "unauthorized", provider.unsigned(headers));
        }
        return signers;
    }
}
