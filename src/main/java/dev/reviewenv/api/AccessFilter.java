package dev.reviewenv.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Who may call what. {@code /api/*} (but the webhooks, which check their provider's signature)
 * needs {@code Authorization: Bearer <reviewenv.api-token>} or a dashboard session cookie; a
 * request signed in by cookie that changes something must also carry
 * {@code X-Requested-With: reviewenv}, which a cross-site form or link cannot send. The dashboard
 * itself needs a session, or HTTP basic auth as one of the {@code reviewenv.basic-auth} users.
 * The token is compared in constant time and never logged.
 */
public class AccessFilter {
    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    @Inject
    Sessions sessions;

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if ("OPTIONS".equals(request.getMethod())) {
            // What this very path answers (the framework's own answer lists every method of the resource class).
            String allow = AllowedMethods.of(path);
            return allow.isEmpty() ? ApiErrors.of(404, "not found", "no such path") : Response.noContent().header("Allow", allow).build();
        }
        if (path.startsWith("/api/webhooks/") || path.startsWith("/q/") || path.startsWith("/extend/") || path.startsWith("/wake/")
                || path.equals("/login") || path.equals("/logout")) {
            return null;
        }
        boolean api = path.equals("/api") || path.startsWith("/api/");
        String header = request.getHeaderString("Authorization");
        if (header != null && header.startsWith(BEARER)) {
            return sessions.isApiToken(header.substring(BEARER.length()).trim()) ? null
                    : ApiErrors.of(401, "unauthorized", "the bearer token is not reviewenv.api-token");
        }
        Cookie cookie = request.getCookies().get(Sessions.COOKIE);
        if (cookie != null && sessions.user(cookie.getValue()).isPresent()) {
            boolean changes = !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()));
            if (changes && !Sessions.CSRF_VALUE.equals(request.getHeaderString(Sessions.CSRF_HEADER))) {
                return ApiErrors.of(403, "forbidden", "a request signed in by the dashboard's cookie must send "
                        + Sessions.CSRF_HEADER + ": " + Sessions.CSRF_VALUE + "; cross-site requests are refused");
            }
            return null;
        }
        if (!api && header != null && header.startsWith(BASIC) && basicUser(header) != null) {
            request.setProperty(Sessions.COOKIE, sessions.open(basicUser(header)));
            return null;
        }
        if (api) {
            return ApiErrors.of(401, "unauthorized", "send Authorization: Bearer <token> (reviewenv.api-token), or sign in at /login");
        }
        return Response.seeOther(URI.create("/login")).build();
    }

    /** A basic-auth sign-in to the dashboard gets a session cookie, as a sign-in at /login does. */
    @ServerResponseFilter
    public void session(ContainerRequestContext request, ContainerResponseContext response) {
        Object opened = request.getProperty(Sessions.COOKIE);
        if (opened != null) {
            response.getHeaders().add("Set-Cookie", sessions.cookie(opened.toString()));
        }
    }

    /** The basic-auth user of the header, when the password is right. */
    private String basicUser(String header) {
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 && sessions.isUser(pair.substring(0, colon), pair.substring(colon + 1)) ? pair.substring(0, colon) : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
