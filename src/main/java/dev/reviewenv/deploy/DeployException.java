package dev.reviewenv.deploy;

/**
 * A deploy that failed after it had started to change the host (record, containers, route);
 * the message says why and what to do. {@link #changedSomething()} tells the caller that there
 * is something to roll back. A deploy refused before that throws the refusal itself.
 */
public class DeployException extends RuntimeException {
    private final boolean changedSomething;

    public DeployException(String message, Throwable cause, boolean changedSomething) {
        super(message, cause);
        this.changedSomething = changedSomething;
    }

    public boolean changedSomething() {
        return changedSomething;
    }
}
