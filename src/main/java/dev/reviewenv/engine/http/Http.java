package dev.reviewenv.engine.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP client of the adapters that talk to services over HTTP (ntfy, webhook receivers,
 * forges): short timeouts, no redirects followed, and errors that name the host only, never a
 * URL that may carry a secret (an ntfy topic, a token in a query).
 */
public final class Http {
    /** How long one request may take, connecting included. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** An answer: its status and body. */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Sends a request; throws {@link HttpFailure} when no answer came. */
    public Answer send(String method, String url, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new HttpFailure(method + " to " + host(url) + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage().replace(url, host(url))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpFailure(method + " to " + host(url) + " was interrupted");
        }
    }

    /** The host of a URL, what errors and logs may name. */
    public static String host(String url) {
        try {
            URI u = URI.create(url);
            return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "(not a URL)";
        }
    }

    /** No answer from the other side (refused, timed out, reset); the message names the host only. */
    public static class HttpFailure extends RuntimeException {
        public HttpFailure(String message) {
            super(message);
        }
    }
}
