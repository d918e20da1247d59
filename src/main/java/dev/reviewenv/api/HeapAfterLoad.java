package dev.reviewenv.api;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.function.LongSupplier;

/**
 * Gives the memory a burst of work took back to the host once the burst is over. The serial
 * collector of deploy/java-opts shrinks the heap only in a full collection, and an idle service
 * makes none; so every 10 s it looks whether a collection ran since its last look. Once one did
 * (something allocated: requests, jobs), then none ran for a whole look (the burst is over), and
 * more than {@link #PROMOTED_BYTES} reached the old generation since its last full collection (what
 * a quiet service's reaper passes leave there is less), one full collection is asked for (a few
 * tens of milliseconds with a heap this size), and the heap is shrunk to {@code MaxHeapFreeRatio}
 * (20 %: a quarter of what is live is left free) at once ({@code -XX:-ShrinkHeapInSteps}). It does
 * not ask again until another collection shows more work. The JVM's {@code TrimNativeHeapInterval}
 * (deploy/java-opts) gives back what the threads of the burst freed outside the heap.
 */
@Singleton
public class HeapAfterLoad {
    /** Less than this much reached the old generation since its last full collection: one gives back too little. */
    static final long PROMOTED_BYTES = 8L << 20;

    private final LongSupplier collections;
    private final LongSupplier promoted;
    private final Runnable collect;
    /** The count of collections at the last look; -1 before the first. */
    private long seen = -1;
    /** The count right after the last collection this asked for; -1 before the first. */
    private long afterOurs = -1;

    public HeapAfterLoad() {
        this(HeapAfterLoad::collectionCount, HeapAfterLoad::promotedSinceFullCollection, System::gc);
    }

    HeapAfterLoad(LongSupplier collections, LongSupplier promoted, Runnable collect) {
        this.collections = collections;
        this.promoted = promoted;
        this.collect = collect;
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void trim() {
        long now = collections.getAsLong();
        boolean quiet = now == seen;
        boolean workedSinceOurs = now != afterOurs;
        seen = now;
        if (quiet && workedSinceOurs && promoted.getAsLong() > PROMOTED_BYTES) {
            collect.run();
            afterOurs = collections.getAsLong();
            seen = afterOurs; // this one is not a sign of work
        }
    }

    /**
     * What the old generation holds beyond what it held after its last full collection: what was
     * promoted since, live or not. The whole heap's use when the collector names no old generation.
     */
    private static long promotedSinceFullCollection() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            boolean old = name.contains("Tenured") || name.contains("Old");
            if (pool.getType() == MemoryType.HEAP && old && pool.getCollectionUsage() != null) {
                return pool.getUsage().getUsed() - pool.getCollectionUsage().getUsed();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long collectionCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}
