package dev.reviewenv.api;

import dev.reviewenv.push.webhook.Webhooks;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;


/** {@code POST /api/webhooks/github|gitea|gitlab}: signed by the provider instead of the bearer token. */
@Path("/api/webhooks/{provider}")
@Blocking
public class WebhookResource {
    private final Webhooks webhooks;

    public WebhookResource(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A delivery of GitHub, Gitea or GitLab: a push or a branch deletion becomes a job")
    @APIResponse(responseCode = "202", description = "A job is queued", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = dev.reviewenv.push.PushAccepted.class)))
    @APIResponse(responseCode = "200", description = "Nothing to do (a ping, a tag, another event)")
    @APIResponse(responseCode = "400", description = "Not the JSON of a delivery", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "401", description = "The signature (or GitLab token) is missing or wrong", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "The payload names no repository configured for webhooks", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such provider, or no such repository", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "The branch's name is held by other branches", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "413", description = "The body is over 1 MiB", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "422", description = "The delivery names no branch reviewenv can deploy", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response deliver(@PathParam("provider") @Parameter(schema = @Schema(enumeration = {"github", "gitea", "gitlab"})) String provider,
            @Context HttpHeaders headers,
            @org.eclipse.microprofile.openapi.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
            byte[] body) {
        return webhooks.deliver(provider, body == null ? new byte[0] : body, headers::getHeaderString)
                .map(accepted -> Response.accepted(accepted).build())
                .orElseGet(() -> Response.ok(Map.of("ignored", true)).build());
    }
}
