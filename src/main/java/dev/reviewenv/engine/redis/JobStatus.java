package dev.reviewenv.engine.redis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * How a job stands in the queue; {@link #key} is what its hash, the API and the log stream say, and
 * what the queue's Lua scripts compare (they are given these keys, never spell them).
 */
public enum JobStatus {
    QUEUED("queued"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    /** Superseded by a newer job of its branch before it started, or found stale when it did. */
    CANCELLED("cancelled");

    public final String key;

    JobStatus(String key) {
        this.key = key;
    }

    @JsonValue
    public String key() {
        return key;
    }

    /** The key: what a log line or message says. */
    @Override
    public String toString() {
        return key;
    }

    /** Whether a job with this status has ended. */
    public boolean ended() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The status of a key; throws naming the keys for any other word. */
    @JsonCreator
    public static JobStatus of(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "no job status '" + key + "' (one of " + Arrays.stream(values()).map(JobStatus::key).toList() + ")"));
    }
}
