package dev.reviewenv.engine.stack;

/**
 * Where an engine hands the lines of an environment's containers (see
 * {@link StackEngine#logs}). It is called from the engine's own threads, one per container at a
 * time, so an implementation that merges containers must be safe for that.
 */
public interface LogSink {
    /**
     * One whole line a container of {@code service} printed (on its stdout or stderr): Docker's
     * RFC 3339 timestamp, a space, the text, without the newline.
     */
    void line(String service, String line);

    /** Every stream the follower opened has ended (the containers stopped, the tail is sent, or none was there). Called once. */
    void ended();
}
