package dev.reviewenv.config;

/**
 * The most one service of a review environment may use: memory in bytes, CPUs (as Docker's
 * {@code --cpus}), and processes. Every service runs with them unless its compose file asks for
 * less.
 */
public record Limits(long memory, double cpus, long pids) {
    public Limits {
        if (memory < 4L << 20) {
            throw new IllegalArgumentException("a memory limit below 4m leaves no room for a process; use e.g. 1g");
        }
        if (!(cpus >= 0.01) || cpus > 1024) {
            throw new IllegalArgumentException("cpus must be between 0.01 and 1024; use e.g. 1 or 0.5");
        }
        if (pids < 8) {
            throw new IllegalArgumentException("a pids limit below 8 leaves no room for a shell; use e.g. 512");
        }
    }

    /** The memory limit as configuration writes it ({@code 1g}). */
    public String memoryText() {
        return new ByteSize(memory).toString();
    }

    /** The cpus as Docker writes them ({@code 1}, {@code 0.5}). */
    public String cpusText() {
        return cpusText(cpus);
    }

    public static String cpusText(double cpus) {
        return cpus == Math.rint(cpus) ? Long.toString((long) cpus) : Double.toString(cpus);
    }
}
