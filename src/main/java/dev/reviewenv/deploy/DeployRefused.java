package dev.reviewenv.deploy;

/**
 * A deploy refused before it changed anything, because it would touch what is not its own: a
 * compose project, an image or a name on the shared network of someone else. The message names
 * it and the way out.
 */
public class DeployRefused extends RuntimeException {
    public DeployRefused(String message) {
        super(message);
    }
}
