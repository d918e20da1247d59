package dev.reviewenv.api;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * Gives the memory a burst of requests took back to the host once the burst is over. The serial
 * collector of deploy/java-opts shrinks the heap only in a full collection, and an idle service
 * makes none; so every 10 s, when no collection ran since the last look (nothing is allocating:
 * the burst is over) and more than {@link #SLACK_BYTES} of the heap, and more than half of what
 * it uses, is free, one full collection is asked for (a few tens of milliseconds with a heap this
 * size), and the heap is shrunk to {@code MaxHeapFreeRatio} (20 %: a quarter of what is used is
 * left free, so the collection does not ask for itself again). The JVM's
 * {@code TrimNativeHeapInterval} (deploy/java-opts) gives back what the threads of the burst
 * freed outside the heap.
 */
@Singleton
public class HeapAfterLoad {
    static final long SLACK_BYTES = 16L << 20;
    private long collections = -1;

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void trim() {
        long now = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            now += Math.max(0, gc.getCollectionCount());
        }
        boolean quiet = now == collections;
        collections = now;
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long free = heap.getCommitted() - heap.getUsed();
        if (quiet && free > SLACK_BYTES && 2 * free > heap.getUsed()) {
            System.gc();
            collections++; // this one is not a sign of work
        }
    }
}
