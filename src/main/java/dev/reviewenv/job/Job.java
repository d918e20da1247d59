package dev.reviewenv.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.teardown.EndReason;
import java.util.Map;

/**
 * A job as it is stored in Redis ({@code reviewenv:job:<id>}) and shown by {@code GET /api/jobs/{id}}.
 * Times are ISO-8601 instants. {@code options} are the push options the user gave; {@code reason}
 * is why the job exists ({@code push} for a deploy, the ending's reason for a stop); {@code seq}
 * orders the jobs of one branch (a job with a smaller one than its branch's newest is stale).
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
        String reason,
        String createdAt,
        String startedAt,
        String finishedAt,
        Integer attempts,
        String error,
        Long seq) {

    public static final String DEPLOY = "deploy";
    public static final String STOP = "stop";
    /** The reason of every deploy job. */
    public static final String PUSH = "push";

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    /** Whether a job with this status has ended (null: the job is gone, which ends a reader too). */
    public static boolean ended(String status) {
        return status == null || SUCCEEDED.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
    }

    @JsonIgnore
    public Branch branch() {
        return new Branch(repository, ref);
    }

    @JsonIgnore
    public EnvironmentName environmentName() {
        return EnvironmentName.of(environment);
    }

    /** Why a stop job stops its environment; a stop without a known reason is a manual one. */
    @JsonIgnore
    public EndReason stopReason() {
        return EndReason.parse(reason).orElse(EndReason.MANUAL);
    }
}
