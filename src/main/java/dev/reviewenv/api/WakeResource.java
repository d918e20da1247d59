package dev.reviewenv.api;

import dev.reviewenv.capacity.Sleep;
import dev.reviewenv.naming.EnvironmentName;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code GET /wake/<name>}: where Traefik sends the requests of a sleeping environment (its route
 * rewrites every path to this one). Starts waking it and answers a "starting" page that reloads
 * itself: once the environment answers, Traefik routes the reload to it. Open without a token,
 * as the environment's URL is (its basic auth, if any, stays in front of it in Traefik).
 */
@Path("/wake/{name}")
@Blocking
public class WakeResource {
    /** Seconds between reloads of the page. */
    static final int RELOAD = 1;

    private final Sleep sleep;

    public WakeResource(Sleep sleep) {
        this.sleep = sleep;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Wake a sleeping environment (Traefik sends its requests here)")
    @APIResponse(responseCode = "503", description = "Starting; the page reloads itself until the environment answers",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "502", description = "The environment could not be started",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "No such environment",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    public Response wake(@PathParam("name") String name) {
        return answer(name);
    }

    /** A form sent to a sleeping environment wakes it too (what it sent is lost: the environment was not there). */
    @POST
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Wake a sleeping environment (a form sent to it)")
    @APIResponse(responseCode = "503", description = "Starting; the page reloads itself until the environment answers",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "502", description = "The environment could not be started",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "No such environment",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    public Response wakeByForm(@PathParam("name") String name) {
        return answer(name);
    }

    private Response answer(String name) {
        Optional<EnvironmentName> env = EnvironmentName.parse(name);
        Sleep.Waking state = env.map(sleep::wake).orElse(Sleep.Waking.UNKNOWN);
        return switch (state) {
            case UNKNOWN -> Html.page(404, "No environment here", "There is no review environment " + name
                    + "; it may have ended. Push its branch again to bring it back.", "");
            case FAILED -> Html.page(502, name + " could not be started", "Its containers did not start again; see its"
                    + " history on the dashboard, and push its branch again.", "");
            case STARTING -> Response.fromResponse(Html.page(503, "Starting " + name + "…", "This environment was asleep"
                    + " for want of visitors. It is starting; this page reloads itself until it answers.",
                    "<meta http-equiv=\"refresh\" content=\"" + RELOAD + "\">")).header("Retry-After", RELOAD).build();
        };
    }
}
