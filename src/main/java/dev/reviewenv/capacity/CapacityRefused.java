package dev.reviewenv.capacity;

import dev.reviewenv.deploy.DeployRefused;

/**
 * A deploy refused before it changed anything because the host is full: a cap on environments
 * is reached with nothing that may be evicted, or the disk stays below its floor. The message
 * names the limit and the way out. Counted as {@code refused-capacity}, apart from ownership.
 */
public class CapacityRefused extends DeployRefused {
    public CapacityRefused(String message) {
        super(message);
    }
}
