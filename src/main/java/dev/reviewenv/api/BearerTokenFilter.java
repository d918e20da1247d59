package dev.reviewenv.api;

import dev.reviewenv.config.ReviewenvConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /api/*} call but the webhooks needs {@code Authorization: Bearer <reviewenv.api-token>}.
 * The token is compared in constant time and never logged.
 */
public class BearerTokenFilter {
    private static final String PREFIX = "Bearer ";

    @Inject
    ReviewenvConfig config;

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.equals("/api") || path.startsWith("/api/webhooks/")) {
            return null;
        }
        String header = request.getHeaderString("Authorization");
        if (header == null || !header.startsWith(PREFIX)) {
            return ApiErrors.of(401, "unauthorized", "send Authorization: Bearer <token> (reviewenv.api-token)");
        }
        byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = config.apiToken().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected)) {
            return ApiErrors.of(401, "unauthorized", "the bearer token is not reviewenv.api-token");
        }
        return null;
    }
}
