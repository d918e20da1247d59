package dev.reviewenv.api;

import dev.reviewenv.job.Job;
import dev.reviewenv.job.Jobs;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;


/** Jobs: their state, and their output as it grows. */
@Path("/api/jobs/{id}")
@Blocking
public class JobResource {
    static final String ID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    private static final Pattern ID = Pattern.compile(ID_PATTERN);

    private final Jobs jobs;
    private final LogStream stream;

    public JobResource(Jobs jobs, LogStream stream) {
        this.jobs = jobs;
        this.stream = stream;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A job: its status and output")
    @APIResponse(responseCode = "200", description = "The job", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "404", description = "No such job (finished jobs are kept for reviewenv.jobs.keep-for)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Job get(@PathParam("id") @Parameter(schema = @Schema(pattern = ID_PATTERN)) String id) {
        return find(id);
    }

    /** The output so far, then whatever is appended, until the job ends (its last line {@code --- job <status>}). */
    @GET
    @Path("/log")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "A job's output, streamed until the job ends (its last line: --- job <status>)")
    @APIResponse(responseCode = "200", description = "The output", content = @Content(mediaType = MediaType.TEXT_PLAIN,
            schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "No such job", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Multi<byte[]> log(@PathParam("id") @Parameter(schema = @Schema(pattern = ID_PATTERN)) String id) {
        find(id);
        return stream.follow(id);
    }

    private Job find(String id) {
        if (!ID.matcher(id).matches()) {
            throw ApiException.notFound("no job " + id + "; job ids are UUIDs as POST /api/push returns them");
        }
        return jobs.find(id).orElseThrow(() -> ApiException.notFound("no job " + id + " (finished jobs are kept for reviewenv.jobs.keep-for)"));
    }
}
