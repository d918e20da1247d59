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

/** Jobs: their state, and their output as it grows. */
@Path("/api/jobs/{id}")
@Blocking
public class JobResource {
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");

    private final Jobs jobs;
    private final LogStream stream;

    public JobResource(Jobs jobs, LogStream stream) {
        this.jobs = jobs;
        this.stream = stream;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Job get(@PathParam("id") String id) {
        return find(id);
    }

    /** The output so far, then whatever is appended, until the job ends (its last line {@code --- job <status>}). */
    @GET
    @Path("/log")
    @Produces(MediaType.TEXT_PLAIN)
    public Multi<byte[]> log(@PathParam("id") String id) {
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
