package dev.reviewenv.api;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * What every operation of the API can answer besides its own outcomes, written once: 401
 * without the token (but the webhooks, which check signatures), 400, 413 and 415 for a body that
 * is not the JSON expected, 503 while Redis is down, 408/414/431 for a request too slow or too
 * large to take (api/RequestHeads); each with the error body.
 */
public class OpenApiFilter implements OASFilter {
    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/api")) {
                continue;
            }
            boolean webhook = path.getKey().startsWith("/api/webhooks");
            for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().getOperations().entrySet()) {
                APIResponses responses = op.getValue().getResponses();
                if (!webhook) {
                    add(responses, "401", "No or a wrong bearer token, and no dashboard session");
                }
                if (op.getValue().getRequestBody() != null) {
                    add(responses, "400", "The body is not the JSON expected (unknown or mistyped fields)");
                    add(responses, "413", "The body is over 1 MiB");
                    add(responses, "415", "The body is not of the content type expected");
                }
                if (!webhook && op.getKey() != PathItem.HttpMethod.GET) {
                    add(responses, "403", "Signed in by the dashboard's cookie without X-Requested-With: reviewenv");
                }
                add(responses, "503", "Redis does not answer; nothing was done, try again (Retry-After)");
                add(responses, "408", "The request's head (10 s) or body (30 s) did not arrive in time");
                add(responses, "414", "The request line is over 4 KiB");
                add(responses, "431", "The request's headers are over 16 KiB");
            }
        }
    }

    private static void add(APIResponses responses, String code, String description) {
        if (responses.getAPIResponse(code) == null) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description)
                    .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                            .schema(OASFactory.createSchema().ref("#/components/schemas/Error")))));
        }
    }
}
