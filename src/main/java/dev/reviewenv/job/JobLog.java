package dev.reviewenv.job;

import io.quarkus.logging.Log;
import java.util.function.Consumer;

/**
 * A job's output on its way to Redis, best-effort: a line is only buffered here, and
 * {@link #flush()} (called by the worker's flusher every few hundred milliseconds, and at the
 * end) sends what is buffered in one append. A Redis that is slow or down never blocks the job nor
 * fails it; what could not be sent waits for the next flush, the oldest dropped past a bound.
 */
final class JobLog implements Consumer<String> {
    /** Most bytes kept waiting while Redis does not take them. */
    static final int MAX_BUFFERED = 1 << 20;

    private final Jobs jobs;
    private final String id;
    private final StringBuilder buffer = new StringBuilder();
    private long dropped;

    JobLog(Jobs jobs, String id) {
        this.jobs = jobs;
        this.id = id;
    }

    @Override
    public synchronized void accept(String line) {
        buffer.append(line).append('\n');
        if (buffer.length() > MAX_BUFFERED) {
            int cut = buffer.indexOf("\n", buffer.length() - MAX_BUFFERED / 2);
            dropped += cut + 1;
            buffer.delete(0, cut + 1);
        }
    }

    /** Sends what is buffered; true when nothing is left waiting. */
    boolean flush() {
        String text;
        synchronized (this) {
            if (buffer.length() == 0) {
                return true;
            }
            text = (dropped > 0 ? "--- " + dropped + " bytes of output were lost while Redis did not answer\n" : "") + buffer;
            buffer.setLength(0);
            dropped = 0;
        }
        try {
            jobs.append(id, text);
            return true;
        } catch (RuntimeException redisDown) {
            synchronized (this) {
                buffer.insert(0, text);
            }
            Log.debugf("output of job %s waits: %s", id, redisDown.getMessage());
            return false;
        }
    }
}
