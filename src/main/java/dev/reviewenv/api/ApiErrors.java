package dev.reviewenv.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.reviewenv.engine.redis.RedisUnavailable;
import dev.reviewenv.push.PushRefused;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure to {@code {"error", "detail"}} with its status code. */
public class ApiErrors {

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return of(e.status(), e.error(), e.getMessage());
    }

    /** Redis down or restarting: nothing was done, and trying again shortly is the way (the hook does). */
    @ServerExceptionMapper
    public Response redis(RedisUnavailable e) {
        return Response.fromResponse(of(503, "unavailable", e.getMessage() + "; nothing was done, try again shortly"))
                .header("Retry-After", "5").build();
    }

    /** Too many container log streams open at once: a reader may try again shortly. */
    @ServerExceptionMapper
    public Response logsBusy(dev.reviewenv.engine.stack.LogsBusy e) {
        return Response.fromResponse(of(503, "unavailable", e.getMessage())).header("Retry-After", "5").build();
    }

    @ServerExceptionMapper
    public Response push(PushRefused e) {
        return of(e.status(), e.error(), e.getMessage());
    }

    /** Jackson's own mismatch errors (unknown or wrongly typed fields) get the same JSON error. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatch(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            return of(400, "bad request", "unknown field '" + u.getPropertyName() + "'; known fields: " + u.getKnownPropertyIds());
        }
        return of(400, "bad request", "the body is not the JSON expected: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response notAllowed(jakarta.ws.rs.NotAllowedException e, jakarta.ws.rs.core.UriInfo uri) {
        String allow = AllowedMethods.of(uri.getPath());
        Response.ResponseBuilder answer = Response.fromResponse(of(405, "method not allowed",
                "this path answers " + (allow.isEmpty() ? "no method" : allow)));
        return (allow.isEmpty() ? answer : answer.header("Allow", allow)).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException j) {
            return json(j);
        }
        return of(status, Response.Status.fromStatusCode(status) == null ? "error"
                : Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response other(RuntimeException e) {
        Log.error("unexpected failure", e);
        return of(500, "internal error", e.getMessage() == null ? e.toString() : e.getMessage());
    }

    public static Response of(int status, String error, String detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(error, detail)).build();
    }
}
