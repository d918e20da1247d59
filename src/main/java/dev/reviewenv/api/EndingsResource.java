package dev.reviewenv.api;

import dev.reviewenv.teardown.EndingsLog;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

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
    public List<Map<String, String>> last(@QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "bad request", "limit must be 1 to 500");
        }
        return endings.last(limit);
    }
}
