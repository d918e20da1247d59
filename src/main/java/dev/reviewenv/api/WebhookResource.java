package dev.reviewenv.api;

import dev.reviewenv.push.webhook.Webhooks;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** {@code POST /api/webhooks/github|gitea|gitlab}: signed by the provider instead of the bearer token. */
@Path("/api/webhooks/{provider}")
@Blocking
public class WebhookResource {
    private final Webhooks webhooks;

    public WebhookResource(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response deliver(@PathParam("provider") String provider, @Context HttpHeaders headers, byte[] body) {
        return webhooks.deliver(provider, body == null ? new byte[0] : body, headers::getHeaderString)
                .map(accepted -> Response.accepted(accepted).build())
                .orElseGet(() -> Response.ok(Map.of("ignored", true)).build());
    }
}
