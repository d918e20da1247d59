package dev.reviewenv.deploy;

/** A deploy that did not happen; the message says why and what to do, and nothing it made is left. */
public class DeployException extends RuntimeException {
    public DeployException(String message, Throwable cause) {
        super(message, cause);
    }
}
