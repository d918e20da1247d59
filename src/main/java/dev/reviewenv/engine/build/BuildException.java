package dev.reviewenv.engine.build;

/** A build failed, ran out of time or memory, or made something that is not what was asked; the message says which. */
public class BuildException extends RuntimeException {
    public BuildException(String message) {
        super(message);
    }
}
