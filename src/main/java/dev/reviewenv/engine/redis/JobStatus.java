package dev.reviewenv.engine.redis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.reviewenv.naming.Keys;

/**
 * How a job stands in the queue; {@link #key()} is what its hash, the API and the log stream say, and
 * what the queue's Lua scripts compare (they are given these keys, never spell them).
 */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** Superseded by a newer job of its branch before it started, or found stale when it did. */
    CANCELLED;

    @JsonValue
    public String key() {
        return Keys.of(this);
    }

    /** The key: what a log line or message says. */
    @Override
    public String toString() {
        return key();
    }

    /** Whether a job with this status has ended. */
    public boolean ended() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The status of a key; throws naming the keys for any other word. */
    @JsonCreator
    public static JobStatus of(String key) {
        return Keys.parse(JobStatus.class, key, "job status");
    }
}
