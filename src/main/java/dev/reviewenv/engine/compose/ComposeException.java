package dev.reviewenv.engine.compose;

/** A Compose command failed; the message holds the command's verb and the tail of its output. */
public class ComposeException extends RuntimeException {
    public ComposeException(String message) {
        super(message);
    }
}
