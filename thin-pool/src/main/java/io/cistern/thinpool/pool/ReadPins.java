package io.cistern.thinpool.pool;

import io.cistern.thinpool.alloc.Extent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Keeps freed space from reuse while reads that may still look at it are in flight, by epochs (as
 * in epoch-based reclamation). Reads resolve their mappings on the metadata thread, pin the current
 * epoch, and read the device on other threads. Each landed commit's frees are held under the epoch
 * then current, and the epoch moves on; they go back to the allocator once no read pinned at or
 * before that epoch remains. A read pinned later resolved its mappings after the frees, so it cannot
 * see them.
 *
 * <p>Thread-safety: {@link #pin}, {@link #hold} and {@link #releasable} on the metadata thread;
 * {@link #unpin} from any thread.
 */
final class ReadPins {
    private record Held(long epoch, List<Extent> frees) {
    }

    private final TreeMap<Long, Integer> active = new TreeMap<>(); // epoch -> reads in flight; guarded by this
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long epoch;

    synchronized long pin() {
        active.merge(epoch, 1, Integer::sum);
        return epoch;
    }

    synchronized void unpin(long pinned) {
        active.computeIfPresent(pinned, (e, n) -> n == 1 ? null : n - 1);
    }

    /** Holds a landed commit's frees until the reads that might see them are done. */
    void hold(List<Extent> frees) {
        if (!frees.isEmpty()) {
            held.add(new Held(epoch, frees));
        }
        synchronized (this) {
            epoch++;
        }
    }

    /** The held frees no read can see any more; each is returned once. */
    List<Extent> releasable() {
        long oldestPinned;
        synchronized (this) {
            oldestPinned = active.isEmpty() ? Long.MAX_VALUE : active.firstKey();
        }
        List<Extent> out = new ArrayList<>();
        while (!held.isEmpty() && held.peek().epoch() < oldestPinned) {
            out.addAll(held.poll().frees());
        }
        return out;
    }
}
