package dev.reviewenv.job;

import dev.reviewenv.engine.redis.JobStatus;
import java.util.Arrays;

/**
 * A job's output for a reader that follows it: {@code bytes} are the last bytes of everything
 * appended, which is {@code total} bytes long; {@code status} is the job's status then.
 */
public record JobOutput(byte[] bytes, long total, JobStatus status) {
    /** The bytes after the first {@code seen} bytes of the whole output that are still kept. */
    public byte[] after(long seen) {
        long start = total - bytes.length;
        int from = (int) Math.max(0, seen - start);
        return from >= bytes.length ? new byte[0] : Arrays.copyOfRange(bytes, from, bytes.length);
    }

    /** Whether the job has ended, so a reader stops following. */
    public boolean ended() {
        return Job.ended(status);
    }
}
