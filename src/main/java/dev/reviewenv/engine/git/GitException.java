package dev.reviewenv.engine.git;

/** A repository or revision could not be found or read; the message says which and why. */
public class GitException extends RuntimeException {
    public GitException(String message) {
        super(message);
    }

    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
