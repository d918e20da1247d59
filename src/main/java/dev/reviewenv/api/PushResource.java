package dev.reviewenv.api;

import dev.reviewenv.push.PushAccepted;
import dev.reviewenv.push.PushRequest;
import dev.reviewenv.push.PushService;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;


/** {@code POST /api/push}: what the post-receive hook sends for each pushed branch. */
@Path("/api/push")
@Blocking
public class PushResource {
    private final PushService pushes;

    public PushResource(PushService pushes) {
        this.pushes = pushes;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deploy a pushed branch (or stop it: an all-zero after)")
    @APIResponse(responseCode = "202", description = "A job is queued", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PushAccepted.class)))
    @APIResponse(responseCode = "404", description = "No such bare repository under the git root", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "The branch's name and its suffixed form are held by other branches", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "422", description = "A field is missing or not what it must be", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response push(@org.eclipse.microprofile.openapi.annotations.parameters.RequestBody(required = true) PushRequest request) {
        if (request == null) {
            throw new ApiException(400, "bad request", "send {\"repository\",\"ref\",\"before\",\"after\",\"options\"}");
        }
        PushAccepted accepted = pushes.push(request);
        return Response.accepted(accepted).build();
    }
}
