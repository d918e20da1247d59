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
    public Response push(PushRequest request) {
        if (request == null) {
            throw new ApiException(400, "bad request", "send {\"repository\",\"ref\",\"before\",\"after\",\"options\"}");
        }
        PushAccepted accepted = pushes.push(request);
        return Response.accepted(accepted).build();
    }
}
