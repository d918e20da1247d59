package dev.reviewenv.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A job as it is stored in Redis ({@code reviewenv:job:<id>}) and shown by {@code GET /api/jobs/{id}}.
 * Times are ISO-8601 instants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Job(
        String id,
        String action,
        String repository,
        String ref,
        String revision,
        String environment,
        String url,
        String status,
        String output,
        Map<String, String> options,
        String createdAt,
        String startedAt,
        String finishedAt,
        Integer attempts,
        String error) {

    public static final String DEPLOY = "deploy";
    public static final String STOP = "stop";

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    /** Whether a job with this status has ended (null: the job is gone, which ends a reader too). */
    public static boolean ended(String status) {
        return status == null || SUCCEEDED.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
    }

    /** What a job asks for, before it has an id or a status. */
    public record Request(String action, String repository, String ref, String revision, String environment, String url,
            Map<String, String> options, String reason) {
        public Request {
            options = options == null ? Map.of() : Map.copyOf(options);
        }
    }
}
