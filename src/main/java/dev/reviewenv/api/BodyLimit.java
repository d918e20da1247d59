package dev.reviewenv.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request whose declared body is over {@code quarkus.http.limits.max-body-size} with
 * the API's JSON error, before it is read (Quarkus itself would answer an empty 413).
 */
@Singleton
public class BodyLimit {
    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize limit;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            long declared;
            try {
                declared = length == null ? 0 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = 0;
            }
            if (declared > limit.asLongValue()) {
                ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close")
                        .end(new JsonObject().put("error", "payload too large")
                                .put("detail", "the body has " + declared + " bytes; at most " + limit.asLongValue() + " are accepted")
                                .encode());
                return;
            }
            ctx.next();
        });
    }
}
