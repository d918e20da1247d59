package dev.reviewenv.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When the heap is given back: once after each burst of work, when a whole look saw no collection
 * and enough reached the old generation since its last full collection.
 */
class HeapAfterLoadTest {
    final AtomicLong count = new AtomicLong();
    final AtomicLong promoted = new AtomicLong(20L << 20);
    final AtomicLong asked = new AtomicLong();
    final HeapAfterLoad trim = new HeapAfterLoad(count::get, promoted::get, () -> {
        asked.incrementAndGet();
        count.incrementAndGet(); // the collection asked for counts like any other
    });

    @Test
    void oneCollectionOnceABurstIsOverAndNoneWhileItLastsOrAfterwards() {
        trim.trim(); // the first look: nothing to compare with
        assertEquals(0, asked.get());
        count.addAndGet(5); // a burst: collections between the looks
        trim.trim();
        count.addAndGet(3);
        trim.trim();
        assertEquals(0, asked.get(), "not while work goes on");
        trim.trim(); // a whole look without a collection: the burst is over
        assertEquals(1, asked.get());
        for (int i = 0; i < 5; i++) {
            trim.trim();
        }
        assertEquals(1, asked.get(), "idle afterwards: its own collection is no sign of work");
        count.incrementAndGet(); // one request's worth
        trim.trim();
        trim.trim();
        assertEquals(2, asked.get(), "after the next work, once more");
    }

    @Test
    void littlePromotedSinceTheLastFullCollectionIsLeftAsItIs() {
        promoted.set(3L << 20); // what a quiet service's reaper passes leave
        trim.trim();
        count.addAndGet(4);
        trim.trim();
        trim.trim();
        assertEquals(0, asked.get());
    }
}
