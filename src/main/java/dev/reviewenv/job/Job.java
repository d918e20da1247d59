package dev.reviewenv.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.reviewenv.engine.redis.JobStatus;
import dev.reviewenv.naming.Branch;
import dev.reviewenv.naming.EnvironmentName;
import dev.reviewenv.naming.Keys;
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
        Action action,
        String repository,
        String ref,
        String revision,
        String environment,
        String url,
        JobStatus status,
        String output,
        Map<String, String> options,
        String reason,
        String createdAt,
        String startedAt,
        String finishedAt,
        Integer attempts,
        String error,
        Long seq) {

    /** What a job does; {@link #key()} is what its hash and the API say. */
    public enum Action {
        DEPLOY,
        STOP;

        @JsonValue
        public String key() {
            return Keys.of(this);
        }

        /** The key: what a log line or message says. */
        @Override
        public String toString() {
            return key();
        }

        /** The action of a key; throws naming the keys for any other word. */
        @JsonCreator
        public static Action of(String key) {
            return Keys.parse(Action.class, key, "job action");
        }
    }

    /** The reason of a deploy job of a pushed branch. */
    public static final String PUSH = "push";
    /** The reason of a deploy job of a pull request of the repository itself. */
    public static final String PULL_REQUEST = "pull-request";
    /** The reason of a deploy job of a pull request from a fork that carries the fork label: untrusted code. */
    public static final String FORK = "fork";
    /** The reason of a deploy job of a pull request from a fork without the label: it ends cancelled, saying which label. */
    public static final String FORK_UNLABELED = "fork-unlabeled";

    /** Whether the job runs code the repository's people vouch for: not a fork's (it gets no variables, no trusted rules). */
    @JsonIgnore
    public boolean trusted() {
        return !FORK.equals(reason) && !FORK_UNLABELED.equals(reason);
    }

    /** Whether a job with this status has ended (null: the job is gone, which ends a reader too). */
    public static boolean ended(JobStatus status) {
        return status == null || status.ended();
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
