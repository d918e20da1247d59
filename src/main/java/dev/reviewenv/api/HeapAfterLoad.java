package dev.reviewenv.api;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * Gives the memory a burst of requests took back to the host once the burst is over. The serial
 * collector of deploy/java-opts shrinks the heap only in a full collection, and an idle service
 * makes none; so once a minute, when the heap holds more than twice what it uses and more than
 * {@link #SLACK_BYTES} of it is free, one full collection is asked for (a few tens of
 * milliseconds with a heap this size), and the heap is shrunk to {@code MaxHeapFreeRatio}.
 */
@Singleton
public class HeapAfterLoad {
    static final long SLACK_BYTES = 24L << 20;

    @Scheduled(every = "60s", delayed = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void trim() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long free = heap.getCommitted() - heap.getUsed();
        if (free > SLACK_BYTES && heap.getCommitted() > 2 * heap.getUsed()) {
            System.gc();
        }
    }
}
