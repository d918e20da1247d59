package dev.reviewenv.api;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.BufferedOutputStream;
import java.io.OutputStream;
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

    private final ViewBytes views;
    /** Each repository's limits, as the configuration gives them (it does not change while the service runs). */
    private final Map<String, Limits> limits = new java.util.concurrent.ConcurrentHashMap<>();

    public EnvironmentResource(RecordStore records, Jobs jobs, Lifetimes lifetimes, Clock clock, ResourceUse use,
            ReviewenvConfig config, ObjectMapper mapper) {
        this.views = new ViewBytes(mapper.writerFor(EnvironmentView.class));
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
            OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            buffered.write('[');
            long now = clock.instant().getEpochSecond();
            for (int i = 0; i < shown.size(); i++) {
                if (i > 0) {
                    buffered.write(',');
                }
                ViewBytes.Parts parts = parts(shown.get(i), true);
                views.write(buffered, parts, expiresIn(parts, now), mark -> view(parts, mark));
            }
            buffered.write(']');
            buffered.flush();
            views.prune(records.count(), name -> EnvironmentName.parse(name).map(records::exists).orElse(false));
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
        ViewBytes.Parts parts = parts(r, false);
        return view(parts, expiresIn(parts, clock.instant().getEpochSecond()));
    }

    /**
     * What the view of a record is made of: its times, its last sample, its repository's limits;
     * in a page of the list, its {@code removeat} as looked at in the last second.
     */
    private ViewBytes.Parts parts(EnvironmentRecord r, boolean inPage) {
        EnvironmentName env = r.environmentName();
        Optional<Instant> removeAt;
        try {
            removeAt = inPage ? records.removeAtForView(env) : records.removeAt(env);
        } catch (IllegalStateException unreadable) {
            removeAt = Optional.empty();
        }
        return new ViewBytes.Parts(r, removeAt, records.lastRequestSeen(env), use.of(env).orElse(null),
                limits.computeIfAbsent(r.repository(), config::limitsFor));
    }

    private static Long expiresIn(ViewBytes.Parts p, long nowSeconds) {
        return p.removeAt().map(at -> Math.max(0, at.getEpochSecond() - nowSeconds)).orElse(null);
    }

    /** The view made of {@code parts}, with {@code expiresIn} as its expiresInSeconds. */
    static EnvironmentView view(ViewBytes.Parts p, Long expiresIn) {
        EnvironmentRecord r = p.record();
        ResourceUse.Sample s = p.sample();
        Limits limits = p.limits();
        var resources = new EnvironmentView.Resources(s == null ? null : s.memory(), s == null ? null : s.cpuPercent(),
                s == null ? null : s.pids(), s == null ? null : s.at(), limits.memory(), limits.cpus(), limits.pids());
        return new EnvironmentView(r.name(), r.repository(), r.branch(), r.ref(), r.commit(), r.url(), r.status().key(),
                r.createdAt(), r.deployedAt(), p.removeAt().orElse(null), expiresIn, r.service(), r.port(), r.lastJob(),
                p.lastRequest().orElse(null), resources);
    }
}
