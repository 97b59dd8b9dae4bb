package io.cistern.thinpool.alloc;

import java.util.List;

/**
 * Hands out free device space, after BlueStore's Allocator. Holds only free space in memory; the
 * persistent record of what is allocated is the freelist in the key-value store, which the pool
 * replays at mount through {@link #initAddFree} and {@link #initRmFree}.
 *
 * <p>Space released here must already be free on disk: the pool releases an extent only after the
 * commit that freed it, so a crash can never leave two owners of the same bytes.
 *
 * <p>Thread-safety: none; the pool calls an allocator from its one metadata thread.
 */
public interface Allocator {

    /** Allocation unit in bytes, a power of two: every offset and length handed out is a multiple of it. */
    long unit();

    /**
     * Allocates exactly {@code want} bytes as one or more extents, each a multiple of {@code chunk}
     * (itself a multiple of {@link #unit()}), preferring one contiguous extent. All or nothing: returns
     * an empty list if the space cannot be found.
     */
    List<Extent> allocate(long want, long chunk);

    /** Returns an extent to the free space. */
    default void release(long offset, long length) {
        release(offset, length, false);
    }

    /**
     * Returns an extent to the free space; {@code backed} if the layer below still holds storage for
     * it (freed by an overwrite, not punched): such space is handed out first, so reusing it costs
     * the device no new backing.
     */
    void release(long offset, long length, boolean backed);

    /** Free bytes released {@code backed} and not handed out since. */
    long backedFreeBytes();

    /**
     * Forgets that up to {@code bytes} of backed free space is backed, highest offsets first, and
     * returns those ranges (still free), for the caller to give back to the layer below.
     */
    List<Extent> unback(long bytes);

    /** Mount time: declares a range free. */
    void initAddFree(long offset, long length);

    /** Mount time: declares a range (previously declared free) allocated. */
    void initRmFree(long offset, long length);

    /** Free bytes from {@code offset} on without a gap: 0 if {@code offset} is allocated. */
    long freeRunAt(long offset);

    /** Free bytes. */
    long freeBytes();

    /** 0 when all free space is one extent, towards 1 as it splinters. */
    double fragmentation();

    /** The implementation's name, as given to {@link Allocators#create}. */
    String name();
}
