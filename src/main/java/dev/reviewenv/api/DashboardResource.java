package dev.reviewenv.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The dashboard: one page and its script and style (no build step; see
 * {@code resources/dashboard/}), served only to a signed-in reviewer, and the sign-in form that
 * turns the API token or a basic-auth user into a session cookie. Left out of the API's
 * description: these are pages, not API.
 */
@Path("/")
public class DashboardResource {
    private static final Map<String, String> FILES = Map.of("app.js", "application/javascript", "app.css", "text/css");

    private final Sessions sessions;
    private final SignInLimits limits;

    public DashboardResource(Sessions sessions, SignInLimits limits) {
        this.sessions = sessions;
        this.limits = limits;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response page() {
        return file("index.html", MediaType.TEXT_HTML);
    }

    @GET
    @Path("{file:app\\.(js|css)}")
    @Operation(hidden = true)
    public Response asset(@PathParam("file") String name) {
        return file(name, FILES.get(name));
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response form() {
        return file("login.html", MediaType.TEXT_HTML);
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response signIn(@FormParam("token") String token, @FormParam("user") String user, @FormParam("password") String password,
            @Context HttpServerRequest http) {
        String address = ClientAddress.of(http);
        String named = user == null || user.isEmpty() ? null : user;
        Optional<java.time.Duration> wait = limits.wait(named, address);
        if (wait.isPresent()) {
            return AccessFilter.tooMany(wait.get());
        }
        String who = sessions.isApiToken(token) ? "token" : sessions.isUser(user, password) ? user : null;
        if (who == null) {
            limits.failed(named, address);
            String page = read("login.html").replace("<p class=\"error\" hidden>", "<p class=\"error\">");
            return Response.status(401).type(MediaType.TEXT_HTML + ";charset=utf-8").entity(page).build();
        }
        return Response.seeOther(URI.create("/")).header("Set-Cookie", sessions.cookie(sessions.open(who))).build();
    }

    @POST
    @Path("logout")
    @Operation(hidden = true)
    public Response signOut(@CookieParam(Sessions.COOKIE) String cookie) {
        sessions.revoke(cookie);
        return Response.seeOther(URI.create("/login")).header("Set-Cookie", sessions.cookie(null)).build();
    }

    private static Response file(String name, String type) {
        return Response.ok(read(name)).type(type + ";charset=utf-8").header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'").build();
    }

    private static String read(String name) {
        try (InputStream in = DashboardResource.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
