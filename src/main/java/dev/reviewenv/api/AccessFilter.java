package dev.reviewenv.api;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Who may call what. {@code /api/*} (but the webhooks, which check their provider's signature)
 * needs {@code Authorization: Bearer <reviewenv.api-token>} or a dashboard session cookie; a
 * request signed in by cookie that changes something must also carry
 * {@code X-Requested-With: reviewenv}, which a cross-site form or link cannot send. The dashboard
 * itself needs a session, or HTTP basic auth as one of the {@code reviewenv.basic-auth} users.
 * The token is compared in constant time and never logged. A basic-auth password is checked on a
 * worker thread (a hash takes tens of milliseconds; the event loop serves everyone else
 * meanwhile), once per request, and only while {@link SignInLimits} allows the user and the address.
 */
public class AccessFilter {
    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    @Inject
    Sessions sessions;

    @Inject
    SignInLimits limits;

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> check(ContainerRequestContext request, HttpServerRequest http) {
        String path = request.getUriInfo().getPath();
        String header = request.getHeaderString("Authorization");
        boolean api = path.equals("/api") || path.startsWith("/api/");
        if (!api && header != null && header.startsWith(BASIC) && !open(path) && !"OPTIONS".equals(request.getMethod())
                && !signedIn(request)) {
            return basic(request, header, ClientAddress.of(http));
        }
        return Uni.createFrom().item(decide(request, path, header, api));
    }

    private static boolean open(String path) {
        return path.startsWith("/api/webhooks/") || path.startsWith("/q/") || path.startsWith("/extend/") || path.startsWith("/wake/")
                || path.equals("/login") || path.equals("/logout");
    }

    private boolean signedIn(ContainerRequestContext request) {
        Cookie cookie = request.getCookies().get(Sessions.COOKIE);
        return cookie != null && sessions.user(cookie.getValue()).isPresent();
    }

    /** A dashboard request with basic credentials: limited, then checked off the event loop. */
    private Uni<Response> basic(ContainerRequestContext request, String header, String address) {
        String[] pair = credentials(header);
        String user = pair == null ? null : pair[0];
        Optional<java.time.Duration> wait = limits.wait(user, address);
        if (wait.isPresent()) {
            return Uni.createFrom().item(tooMany(wait.get()));
        }
        if (pair == null) {
            limits.failed(null, address);
            return Uni.createFrom().item(Response.seeOther(URI.create("/login")).build());
        }
        return Uni.createFrom().item(() -> sessions.isUser(pair[0], pair[1]))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(ok -> {
                    if (ok) {
                        request.setProperty(Sessions.COOKIE, sessions.open(pair[0]));
                        return null;
                    }
                    limits.failed(pair[0], address);
                    return Response.seeOther(URI.create("/login")).build();
                });
    }

    /** 429 with {@code Retry-After}: too many failed sign-ins of this user or from this address. */
    static Response tooMany(java.time.Duration wait) {
        return Response.fromResponse(ApiErrors.of(429, "too many requests", "more than " + SignInLimits.MAX_FAILURES
                + " failed sign-ins in " + SignInLimits.WINDOW.toSeconds() + " s for this user or from this address; try again in "
                + SignInLimits.retryAfter(wait) + " s")).header("Retry-After", SignInLimits.retryAfter(wait)).build();
    }

    private Response decide(ContainerRequestContext request, String path, String header, boolean api) {
        if ("OPTIONS".equals(request.getMethod())) {
            // What this very path answers (the framework's own answer lists every method of the resource class).
            String allow = AllowedMethods.of(path);
            return allow.isEmpty() ? ApiErrors.of(404, "not found", "no such path") : Response.noContent().header("Allow", allow).build();
        }
        if (open(path)) {
            return null;
        }
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

    /** The user and password of a basic-auth header; null when it is not one. */
    private static String[] credentials(String header) {
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 ? new String[] {pair.substring(0, colon), pair.substring(colon + 1)} : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
