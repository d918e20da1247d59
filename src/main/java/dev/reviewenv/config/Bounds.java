package dev.reviewenv.config;

/**
 * What bounds one environment as a whole, beyond the limits of each of its containers: how many
 * containers it may run (services times replicas), and how much log each container may keep on the
 * host's disk ({@code logFiles} files of {@code logBytes} each, rotated).
 */
public record Bounds(int containers, long logBytes, int logFiles) {
    public Bounds {
        if (containers < 1) {
            throw new IllegalArgumentException("an environment needs room for at least one container");
        }
        if (logBytes < 1024 || logFiles < 1) {
            throw new IllegalArgumentException("container logs need at least one file of 1k");
        }
    }

    /** The log size as Docker's log options write it ({@code 10m}). */
    public String logSizeText() {
        return new ByteSize(logBytes).toString();
    }
}
