package io.cistern.thinpool.pool;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongSupplier;

/**
 * Pool-wide space: the capacity datasets may be charged (the data area less a slop that absorbs
 * space freed but not yet committed, as ZFS keeps slop space), what is left, and the soft threshold.
 *
 * <p>The pool is charged the bytes its extents hold (each once, however many maps share it) plus
 * every head's usedbyrefreservation. So a reserved volume's guarantee is taken from the pool when it
 * is made, and again (for what snapshots took over) at each snapshot; a sparse volume is charged only
 * what it holds. Without shared extents this is the sum of the heads' "used", as in ZFS.
 *
 * <p>Thread-safety: metadata thread only, except listener registration.
 */
final class Space {
    private final Catalog catalog;
    private final LongSupplier liveBytes;
    private final long capacity;
    private final int softThresholdPercent;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private boolean aboveSoftThreshold;
    /** Bytes promised to writes held in memory ({@link WriteBack}), not yet charged: ZFS's tempreserve. */
    private long reserved;

    Space(Catalog catalog, LongSupplier liveBytes, long dataBytes, int softThresholdPercent) {
        this.catalog = catalog;
        this.liveBytes = liveBytes;
        this.capacity = dataBytes - slop(dataBytes);
        this.softThresholdPercent = softThresholdPercent;
        this.aboveSoftThreshold = aboveThreshold();
    }

    /** 1/64 of the data area, at least 1 MiB and at most 1 GiB (half of that for tiny pools). */
    static long slop(long dataBytes) {
        return Math.min(Math.max(dataBytes / 64, Math.min(1L << 20, dataBytes / 2)), 1L << 30);
    }

    long capacity() {
        return capacity;
    }

    /** Charged to the pool: stored bytes and unfilled reservations. */
    long used() {
        return liveBytes.getAsLong() + catalog.unfilledReservations();
    }

    /** What a dataset without a reservation may still be charged, less what held writes were promised. */
    long available() {
        return Math.max(0, capacity - used() - reserved);
    }

    /** Promises {@code bytes} to a held write if they are available; false if not. */
    boolean reserve(long bytes) {
        if (bytes > available()) {
            return false;
        }
        reserved += bytes;
        return true;
    }

    /** Takes back a promise of {@link #reserve}: the held write is about to be charged, or was replaced. */
    void release(long bytes) {
        reserved -= bytes;
    }

    /** Makes a released promise again: charging the held write was refused, so it stays held. */
    void restore(long bytes) {
        reserved += bytes;
    }

    /** Throws out-of-space unless {@code more} bytes can be charged (never for a zero or negative change). */
    void require(long more, long block, String what) {
        if (more > 0 && more > available()) {
            throw new PoolException(PoolException.Kind.OUT_OF_SPACE, block, "out of space: " + what + " needs "
                    + more + " bytes, " + available() + " available", null);
        }
    }

    void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** Notifies listeners once per upward crossing of the soft threshold; call after usage changes. */
    void checkThreshold() {
        boolean above = aboveThreshold();
        if (above && !aboveSoftThreshold) {
            for (Runnable l : listeners) {
                ForkJoinPool.commonPool().execute(l); // never run foreign code on the metadata thread
            }
        }
        aboveSoftThreshold = above;
    }

    private boolean aboveThreshold() {
        return used() * 100 >= capacity * (long) softThresholdPercent;
    }
}
