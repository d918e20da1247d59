package dev.reviewenv.push.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reviewenv.config.Hmac;
import dev.reviewenv.push.PushRefused;
import dev.reviewenv.push.PushRequest;
import dev.reviewenv.push.PushService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The three webhook providers: where each puts the repository, the event and the signature,
 * and how a signature is checked (GitHub and Gitea: HMAC-SHA256 of the body; GitLab: the secret
 * token itself). Every comparison runs in constant time.
 */
public enum Provider {
    GITHUB("X-GitHub-Event", "X-Hub-Signature-256", "/repository/full_name"),
    GITEA("X-Gitea-Event", "X-Gitea-Signature", "/repository/full_name"),
    GITLAB("X-Gitlab-Event", "X-Gitlab-Token", "/project/path_with_namespace");

    private final String eventHeader;
    private final String signatureHeader;
    private final String repositoryPointer;

    Provider(String eventHeader, String signatureHeader, String repositoryPointer) {
        this.eventHeader = eventHeader;
        this.signatureHeader = signatureHeader;
        this.repositoryPointer = repositoryPointer;
    }

    public static Provider of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PushRefused(404, "not found", "no webhook provider '" + name + "'; use github, gitea or gitlab");
        }
    }

    /** The repository the delivery names, as the provider writes it ({@code team/shop}). */
    public String repository(JsonNode payload) {
        JsonNode n = payload.at(repositoryPointer);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new PushRefused(403, "forbidden", "the payload names no repository (" + repositoryPointer.substring(1).replace('/', '.')
                    + "); only repositories configured with a webhook-secret are taken");
        }
        return n.asText();
    }

    /** Whether the delivery carries the right signature (or GitLab token) for {@code secret}, compared in constant time. */
    public boolean signedWith(byte[] body, Function<String, String> headers, String secret) {
        String given = headers.apply(signatureHeader);
        if (given == null || given.isBlank()) {
            return false;
        }
        byte[] expected;
        byte[] actual;
        if (this == GITLAB) {
            expected = secret.getBytes(StandardCharsets.UTF_8);
            actual = given.getBytes(StandardCharsets.UTF_8);
        } else {
            String hex = this == GITHUB ? given.replaceFirst("^sha256=", "") : given;
            expected = HexFormat.of().formatHex(Hmac.sign(secret.getBytes(StandardCharsets.UTF_8), body)).getBytes(StandardCharsets.US_ASCII);
            actual = hex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        }
        return MessageDigest.isEqual(expected, actual);
    }

    /** Why a delivery signed by no repository's secret is refused. */
    public String unsigned(Function<String, String> headers) {
        String given = headers.apply(signatureHeader);
        return given == null || given.isBlank() ? "the " + signatureHeader + " header is missing"
                : "the " + signatureHeader + " header does not match the webhook-secret of any repository";
    }

    /** What the delivery asks for: a push (a deleted branch has an all-zero {@code after}), or nothing. */
    public WebhookEvent event(JsonNode payload, Function<String, String> headers, String repository) {
        String event = headers.apply(eventHeader);
        if (event == null) {
            throw new PushRefused(400, "bad request", "the " + eventHeader + " header is missing");
        }
        String kind = event.toLowerCase(Locale.ROOT);
        if (kind.equals("ping")) {
            return WebhookEvent.ignore("ping");
        }
        if (this == GITEA && kind.equals("delete")) {
            if (!"branch".equals(payload.path("ref_type").asText())) {
                return WebhookEvent.ignore("deleted " + payload.path("ref_type").asText() + ", not a branch");
            }
            return WebhookEvent.of(new PushRequest(repository, "refs/heads/" + payload.path("ref").asText(),
                    null, PushService.ZERO, Map.of()));
        }
        if (PullRequests.is(this, kind)) {
            return PullRequests.event(this, payload, repository);
        }
        if (!(kind.equals("push") || kind.equals("push hook"))) {
            return WebhookEvent.ignore("event " + event + " is not a push");
        }
        String ref = payload.path("ref").asText(null);
        String after = payload.path("after").asText(null);
        if (ref == null || after == null) {
            throw new PushRefused(400, "bad request", "the push payload needs ref and after");
        }
        if (!ref.startsWith("refs/heads/")) {
            return WebhookEvent.ignore(ref + " is not a branch");
        }
        if (payload.path("deleted").asBoolean(false)) {
            after = PushService.ZERO;
        }
        return WebhookEvent.of(new PushRequest(repository, ref, payload.path("before").asText(null), after, Map.of()));
    }

}
