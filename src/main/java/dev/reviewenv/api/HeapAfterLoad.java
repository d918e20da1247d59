package dev.reviewenv.api;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Gives the memory a burst of work took back to the host once the burst is over. The serial
 * collector of deploy/java-opts shrinks the heap only in a full collection, and an idle service
 * makes none; so every 10 s it looks whether a collection ran since its last look. Once one did
 * (something allocated: requests, jobs) and then none ran for a whole look (the burst is over), one
 * full collection is asked for (a few tens of milliseconds with a heap this size), and the heap is
 * shrunk to {@code MaxHeapFreeRatio} (20 %: a quarter of what is live is left free). It does not ask
 * again until another collection shows more work. What a heap full of garbage holds is not known
 * before a collection, so it is not what decides. The JVM's {@code TrimNativeHeapInterval}
 * (deploy/java-opts) gives back what the threads of the burst freed outside the heap.
 */
@Singleton
public class HeapAfterLoad {
    /** Below this much committed heap, a collection gives back too little to be worth one. */
    static final long FLOOR_BYTES = 24L << 20;

    private final LongSupplier collections;
    private final LongSupplier committed;
    private final Runnable collect;
    /** The count of collections at the last look; -1 before the first. */
    private long seen = -1;
    /** The count right after the last collection this asked for; -1 before the first. */
    private long afterOurs = -1;

    public HeapAfterLoad() {
        this(HeapAfterLoad::collectionCount, () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(),
                System::gc);
    }

    HeapAfterLoad(LongSupplier collections, LongSupplier committed, Runnable collect) {
        this.collections = collections;
        this.committed = committed;
        this.collect = collect;
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void trim() {
        long now = collections.getAsLong();
        boolean quiet = now == seen;
        boolean workedSinceOurs = now != afterOurs;
        seen = now;
        if (quiet && workedSinceOurs && committed.getAsLong() > FLOOR_BYTES) {
            collect.run();
            afterOurs = collections.getAsLong();
            seen = afterOurs; // this one is not a sign of work
        }
    }

    private static long collectionCount() {
        long n = 0;
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        for (GarbageCollectorMXBean gc : gcs) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}
