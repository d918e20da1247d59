package dev.reviewenv.api;

import dev.reviewenv.config.Lifetime;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.environment.Lifetimes;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.notice.ExtendLinks;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code GET /extend/<name>?t=<token>}: the one-click Extend of an expiry warning, for a phone
 * without the API token. The signed token is good for this environment, until its
 * {@code removeat}, once; it extends by the environment's lifetime and says so in a page.
 */
@Path("/extend/{name}")
@Blocking
public class ExtendLinkResource {
    private final ExtendLinks links;
    private final RecordStore records;
    private final Lifetimes lifetimes;
    private final Clock clock;

    public ExtendLinkResource(ExtendLinks links, RecordStore records, Lifetimes lifetimes, Clock clock) {
        this.links = links;
        this.records = records;
        this.lifetimes = lifetimes;
        this.clock = clock;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Extend an environment from the link of its expiry warning")
    @APIResponse(responseCode = "200", description = "Extended; the page says until when",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "403", description = "The link is not (or no longer) this environment's",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    public Response extend(@PathParam("name") String name, @QueryParam("t") String token) {
        Optional<EnvironmentName> env = EnvironmentName.parse(name);
        Optional<EnvironmentRecord> record = env.flatMap(records::read);
        Instant now = clock.instant();
        if (record.isEmpty() || !links.valid(env.get(), token, records.removeAt(env.get()), now)) {
            return page(403, "This link does not extend anything",
                    "It is spent (the environment was extended or has ended since) or it is not a link reviewenv made.");
        }
        Instant removeAt = records.removeAt(env.get()).orElseThrow();
        Duration lifetime = Lifetimes.of(record.get(), removeAt);
        if (lifetime.isZero()) {
            lifetime = Duration.ofDays(1);
        }
        Optional<EnvironmentRecord> extended = lifetimes.extend(env.get(), Lifetime.parse(Math.max(60, lifetime.toSeconds()) + "s"));
        Instant until = extended.flatMap(r -> records.removeAt(env.get())).orElse(removeAt);
        return page(200, name + " is extended", "It now runs until " + until + " (UTC), another " + human(lifetime) + ".");
    }

    private static String human(Duration d) {
        return d.toDays() >= 1 ? d.toDays() + " d" : d.toHours() >= 1 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    private static Response page(int status, String title, String text) {
        return Html.page(status, title, text, "");
    }
}
