package dev.reviewenv.environment;

/** A branch cannot have its environment's name: other branches hold it (and its suffixed form). The message says the way out. */
public class NameTaken extends RuntimeException {
    public NameTaken(String message) {
        super(message);
    }
}
