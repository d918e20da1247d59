package dev.reviewenv.engine.stack;

/**
 * The log streams an engine opened for one reader ({@link StackEngine#logs}). Closing it closes
 * every one of them and ends their threads; it may be closed more than once, from any thread,
 * also from within its sink.
 */
public interface LogFollower extends AutoCloseable {
    @Override
    void close();
}
