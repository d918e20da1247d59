package dev.reviewenv.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.reviewenv.config.Limits;
import dev.reviewenv.config.ReviewenvConfig;
import dev.reviewenv.environment.ResourceUse;
import dev.reviewenv.config.Lifetime;
import dev.reviewenv.engine.record.EnvironmentRecord;
import dev.reviewenv.engine.record.RecordStore;
import dev.reviewenv.environment.Lifetimes;
import dev.reviewenv.job.Job;
import dev.reviewenv.job.Jobs;
import dev.reviewenv.naming.Address;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.teardown.EndReason;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The environments, read from their records. */
@Path("/api/environments")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class EnvironmentResource {
    private final RecordStore records;
    private final Jobs jobs;
    private final Lifetimes lifetimes;
    private final Clock clock;
    private final ResourceUse use;
    private final ReviewenvConfig config;

    private final ObjectMapper mapper;
    private final ObjectWriter viewWriter;

    public EnvironmentResource(RecordStore records, Jobs jobs, Lifetimes lifetimes, Clock clock, ResourceUse use,
            ReviewenvConfig config, ObjectMapper mapper) {
        this.mapper = mapper;
        // One write to the response per buffer, not per environment.
        this.viewWriter = mapper.writerFor(EnvironmentView.class).without(com.fasterxml.jackson.databind.SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        this.use = use;
        this.config = config;
        this.records = records;
        this.jobs = jobs;
        this.lifetimes = lifetimes;
        this.clock = clock;
    }

    /** What every environment name looks like. */
    static final String NAME_PATTERN = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

    /** A page holds this many environments unless {@code limit} says otherwise, and never more than {@link #MAX_PAGE}. */
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    /**
     * The environments in name order, a page at a time: {@code limit} of them after the name
     * {@code after}, optionally only one repository's or one status. When there are more, a
     * {@code Link: <...>; rel="next"} header gives the next page. The page is written as it is
     * read, so a request holds one environment's view at a time, however many there are.
     */
    @GET
    @Operation(summary = "The environments in name order, a page at a time (Link: rel=\"next\" while there are more)")
    @APIResponse(responseCode = "200", description = "A page of environments", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = EnvironmentView.class)))
    @APIResponse(responseCode = "400", description = "limit is not 1 to 1000, or a filter is too long",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response list(
            @QueryParam("limit") @Parameter(description = "how many (default 100, at most 1000)", schema = @Schema(
                    type = SchemaType.INTEGER, minimum = "1", maximum = "1000")) String limit,
            @QueryParam("after") @Parameter(description = "the last name of the page before (empty: from the first)",
                    schema = @Schema(type = SchemaType.STRING, maxLength = 63)) String givenAfter,
            @QueryParam("repository") @Parameter(description = "only this repository's, e.g. team/shop", schema = @Schema(type = SchemaType.STRING, maxLength = 255)) String repository,
            @QueryParam("status") @Parameter(description = "only environments with this status", schema = @Schema(type = SchemaType.STRING, maxLength = 32)) String status) {
        int size = pageSize(limit);
        String after = givenAfter == null || givenAfter.isEmpty() ? null : givenAfter;
        bounded("after", after, 63);
        bounded("repository", repository, 255);
        bounded("status", status, 32);
        List<EnvironmentRecord> page = records.page(after, size + 1, r -> (repository == null || repository.equals(r.repository()))
                && (status == null || status.equals(r.status().key())));
        boolean more = page.size() > size;
        List<EnvironmentRecord> shown = more ? page.subList(0, size) : page;
        StreamingOutput body = out -> {
            try (JsonGenerator json = mapper.getFactory().createGenerator(out).configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false)) {
                json.writeStartArray();
                for (EnvironmentRecord r : shown) {
                    viewWriter.writeValue(json, view(r));
                }
                json.writeEndArray();
            }
        };
        Response.ResponseBuilder answer = Response.ok(body, MediaType.APPLICATION_JSON);
        if (more) {
            UriBuilder next = UriBuilder.fromPath("/api/environments").queryParam("limit", size)
                    .queryParam("after", shown.get(shown.size() - 1).name());
            if (repository != null) {
                next.queryParam("repository", repository);
            }
            if (status != null) {
                next.queryParam("status", status);
            }
            answer.header("Link", "<" + next.build() + ">; rel=\"next\"");
        }
        return answer.build();
    }

    private static void bounded(String name, String value, int max) {
        if (value != null && value.length() > max) {
            throw new ApiException(400, "bad request", name + " is over " + max + " characters");
        }
    }

    private static int pageSize(String limit) {
        if (limit == null) {
            return DEFAULT_PAGE;
        }
        try {
            int n = Integer.parseInt(limit.trim());
            if (n >= 1 && n <= MAX_PAGE) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new ApiException(400, "bad request", "limit: '" + limit + "' is not a number from 1 to " + MAX_PAGE);
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One environment")
    @APIResponse(responseCode = "200", description = "The environment", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EnvironmentView.class)))
    @APIResponse(responseCode = "404", description = "No such environment", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public EnvironmentView get(@PathParam("name") @Parameter(schema = @Schema(pattern = NAME_PATTERN, maxLength = 63)) String name) {
        return view(record(name));
    }

    /** Manual stop: queues the teardown and answers with its job. */
    @DELETE
    @Path("/{name}")
    @Operation(summary = "Stop an environment (manual): queues its teardown")
    @APIResponse(responseCode = "202", description = "The stop job is queued", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = StopQueued.class)))
    @APIResponse(responseCode = "404", description = "No such environment", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response stop(@PathParam("name") @Parameter(schema = @Schema(pattern = NAME_PATTERN, maxLength = 63)) String name) {
        EnvironmentRecord r = record(name);
        var queued = jobs.requestStop(r.origin(), r.commit(), r.environmentName(), Address.parse(r.url()), EndReason.MANUAL);
        return Response.accepted(new StopQueued(queued.id(), r.name(), Job.Action.STOP.key())).build();
    }

    /** The answer to a stop. */
    public record StopQueued(String job, String environment, String action) {
    }

    /** The body of an extend call. */
    @Schema(requiredProperties = "lifetime", additionalProperties = Schema.False.class)
    public record Extend(@Schema(description = "90s, 30m, 12h, 7d or never", pattern = "^([1-9][0-9]{0,8}[smhd]|never)$") String lifetime) {
    }

    /** Moves {@code removeat} to now + the lifetime; returns the environment. */
    @POST
    @Path("/{name}/extend")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move an environment's removeat to now + lifetime (never: no removeat)")
    @APIResponse(responseCode = "200", description = "The environment, extended", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EnvironmentView.class)))
    @APIResponse(responseCode = "404", description = "No such environment", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "422", description = "Not a lifetime", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public EnvironmentView extend(@PathParam("name") @Parameter(schema = @Schema(pattern = NAME_PATTERN, maxLength = 63)) String name,
            @org.eclipse.microprofile.openapi.annotations.parameters.RequestBody(required = true) Extend body) {
        EnvironmentName env = record(name).environmentName();
        if (body == null || body.lifetime() == null) {
            throw new ApiException(400, "bad request", "send {\"lifetime\": \"2d\"} (90s, 30m, 12h, 7d or never)");
        }
        Lifetime lifetime;
        try {
            lifetime = Lifetime.parse(body.lifetime());
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, "bad lifetime", "lifetime: " + e.getMessage());
        }
        return view(lifetimes.extend(env, lifetime)
                .orElseThrow(() -> ApiException.notFound("no environment " + name)));
    }

    private EnvironmentRecord record(String name) {
        EnvironmentName env = EnvironmentName.parse(name).orElseThrow(() ->
                ApiException.notFound("no environment " + name + "; names are DNS labels like feature-login-page"));
        return records.read(env).orElseThrow(() -> ApiException.notFound("no environment " + name));
    }

    private EnvironmentView view(EnvironmentRecord r) {
        Optional<Instant> removeAt;
        try {
            removeAt = records.removeAt(r.environmentName());
        } catch (IllegalStateException e) {
            removeAt = Optional.empty();
        }
        Long expiresIn = removeAt.map(at -> Math.max(0, at.getEpochSecond() - clock.instant().getEpochSecond())).orElse(null);
        return new EnvironmentView(r.name(), r.repository(), r.branch(), r.ref(), r.commit(), r.url(), r.status().key(),
                r.createdAt(), r.deployedAt(), removeAt.orElse(null), expiresIn, r.service(), r.port(), r.lastJob(),
                records.lastRequest(r.environmentName()).orElse(null), resources(r));
    }

    private EnvironmentView.Resources resources(EnvironmentRecord r) {
        Limits limits = config.limitsFor(r.repository());
        Optional<ResourceUse.Sample> s = use.of(r.environmentName());
        return new EnvironmentView.Resources(s.map(ResourceUse.Sample::memory).orElse(null),
                s.map(ResourceUse.Sample::cpuPercent).orElse(null), s.map(ResourceUse.Sample::pids).orElse(null),
                s.map(ResourceUse.Sample::at).orElse(null), limits.memory(), limits.cpus(), limits.pids());
    }
}
