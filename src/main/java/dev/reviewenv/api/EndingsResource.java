package dev.reviewenv.api;

import dev.reviewenv.teardown.EndingsLog;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;


/** {@code GET /api/endings}: the last environments that ended, newest first (the endings log). */
@Path("/api/endings")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class EndingsResource {
    private final EndingsLog endings;

    public EndingsResource(EndingsLog endings) {
        this.endings = endings;
    }

    @GET
    @Operation(summary = "The last environments that ended (name, reason, repository, ref, job, at), newest first")
    @APIResponse(responseCode = "200", description = "The endings")
    @APIResponse(responseCode = "400", description = "limit is not 1 to 500", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public List<Map<String, String>> last(@QueryParam("limit")
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "20")) String limit,
            @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        boolean given = uri.getQueryParameters().containsKey("limit");
        int n;
        try {
            n = !given ? 20 : Integer.parseInt(String.valueOf(limit));
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 500) {
            throw new ApiException(400, "bad request", "limit must be a whole number from 1 to 500");
        }
        return endings.last(n);
    }
}
