package dev.reviewenv.teardown;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** Why an environment ended; written to its history, the endings log and the job. */
public enum EndReason {
    /** The branch was deleted (a push with an all-zero {@code after}). */
    BRANCH_DELETED("branch-deleted"),
    /** Someone pressed Stop or called {@code DELETE /api/environments/{name}}. */
    MANUAL("manual"),
    /** Its {@code removeat} passed. */
    EXPIRED("expired"),
    /** Its deploy failed and what it made was removed. */
    FAILED("failed"),
    /** A stack without a record, or a record without a stack. */
    ORPHAN("orphan"),
    /** Removed to make room for another environment. */
    EVICTED("evicted"),
    /** Its pull (merge) request was closed or merged. */
    PR_CLOSED("pr-closed"),
    /** Its pull request comes from a fork, and the label that lets a fork deploy was taken off. */
    LABEL_REMOVED("label-removed");

    private final String key;

    EndReason(String key) {
        this.key = key;
    }

    @JsonValue
    public String key() {
        return key;
    }

    /** The reason written as {@code key}, or empty for anything else (an older record's free text). */
    public static Optional<EndReason> parse(String key) {
        for (EndReason r : values()) {
            if (r.key.equals(key)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return key;
    }
}
