package dev.reviewenv.api;

import dev.reviewenv.job.Job;
import dev.reviewenv.job.JobOutput;
import dev.reviewenv.job.Jobs;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/** Jobs: their state, and their output as it grows. */
@Path("/api/jobs/{id}")
@Blocking
public class JobResource {
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");
    /** A log is followed for at most this long, then the stream ends (the job goes on). */
    private static final Duration FOLLOW_LIMIT = Duration.ofMinutes(30);

    private final Jobs jobs;

    public JobResource(Jobs jobs) {
        this.jobs = jobs;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Job get(@PathParam("id") String id) {
        return find(id);
    }

    /** The output so far, then whatever is appended, until the job ends. */
    @GET
    @Path("/log")
    @Produces(MediaType.TEXT_PLAIN)
    public StreamingOutput log(@PathParam("id") String id) {
        find(id);
        return (OutputStream out) -> follow(id, out);
    }

    private void follow(String id, OutputStream out) throws IOException {
        long seen = 0;
        Instant until = Instant.now().plus(FOLLOW_LIMIT);
        while (true) {
            JobOutput chunk = jobs.output(id);
            byte[] fresh = chunk.after(seen);
            if (fresh.length > 0) {
                out.write(fresh);
                out.flush();
            }
            seen = chunk.total();
            if (chunk.ended()) {
                if (chunk.status() != null) {
                    out.write(("--- job " + chunk.status() + "\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                return;
            }
            if (Instant.now().isAfter(until)) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Job find(String id) {
        if (!ID.matcher(id).matches()) {
            throw ApiException.notFound("no job " + id + "; job ids are UUIDs as POST /api/push returns them");
        }
        return jobs.find(id).orElseThrow(() -> ApiException.notFound("no job " + id + " (finished jobs are kept for reviewenv.jobs.keep-for)"));
    }
}
