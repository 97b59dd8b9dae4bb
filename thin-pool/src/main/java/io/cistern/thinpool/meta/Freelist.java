package io.cistern.thinpool.meta;

import io.cistern.thinpool.alloc.Allocator;
import io.cistern.thinpool.alloc.Extent;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The persistent record of allocated space, after BlueStore's BitmapFreelistManager: one bit per
 * allocation unit, {@link #BITS} bits per key under {@link Keys#FREE}; a missing key is all free.
 * Changes go into the same batch as the mappings that use or drop the space, so after a crash the
 * freelist and the maps agree. The in-memory {@link Allocator} is rebuilt from it at mount.
 *
 * <p>A chunk changed since the open batch began is kept here, changed in place, and put in the batch
 * once, by {@link #flush} just before the commit: a 4 KiB write would otherwise cost a batch lookup,
 * a copy and a batch put (two walks of the batch's tree) for one bit.
 *
 * <p>A chunk not yet in the open batch costs a store lookup, and two kinds showed in profiles:
 * chunks of new space, which have no key at all (writes after a snapshot allocate there), and chunks
 * a free of an overwritten block lands in. So which chunks have a key is known from the mount's scan
 * on, and chunks as the last flush left them are kept, a bounded number ({@link #CLEAN_CHUNKS}).
 * Only this class writes freelist keys, so both agree with the store and the batches in flight.
 *
 * <p>Setting a set bit or clearing a clear one throws: a double allocation or double free is a bug
 * caught before it reaches disk.
 *
 * <p>Thread-safety: none; used from the pool's metadata thread.
 */
public final class Freelist {
    public static final int CHUNK_BYTES = 64;
    public static final int BITS = CHUNK_BYTES * 8;
    /** Unchanged chunks kept (about 150 bytes of heap each: 2.4 MB for 16,384, which cover 32 GiB of 4 KiB units). */
    static final int CLEAN_CHUNKS = 16_384;
    private static final byte[] ALL_FREE = new byte[CHUNK_BYTES];

    private final KeyValueStore store;
    private final long unit;
    /** Chunks changed in the open batch and not yet put in it, by chunk number. */
    private final Map<Long, byte[]> pending = new HashMap<>();
    /** Chunks with a key, in the store or in a batch on its way; null until {@link #load} at mount. */
    private BitSet stored;
    /**
     * Chunks unchanged since the last flush, oldest first. Their arrays may be in a batch on its way
     * to the store, so they are never changed: {@link #bits} copies one before changing it.
     */
    private final Map<Long, byte[]> clean;
    private long marks;

    public Freelist(KeyValueStore store, long unit) {
        this(store, unit, CLEAN_CHUNKS);
    }

    Freelist(KeyValueStore store, long unit, int cleanChunks) {
        this.store = store;
        this.unit = unit;
        this.clean = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > cleanChunks;
            }
        };
    }

    /** Records {@code [offset, offset + length)} as allocated in {@code batch}. */
    public void allocate(Batch batch, long offset, long length) {
        mark(batch, offset, length, true);
    }

    /** Records {@code [offset, offset + length)} as free in {@code batch}. */
    public void release(Batch batch, long offset, long length) {
        mark(batch, offset, length, false);
    }

    /** Flips the range's bits, all or none: a double allocation or free changes nothing. */
    private void mark(Batch batch, long offset, long length, boolean allocated) {
        long first = offset / unit;
        long last = (offset + length) / unit;
        for (long bit = first; bit < last; ) { // check every bit first, one chunk lookup per chunk
            byte[] bits = bits(batch, bit / BITS);
            for (long stop = chunkEnd(bit, last); bit < stop; bit++) {
                if (isSet(bits, (int) (bit % BITS)) == allocated) {
                    throw new IllegalStateException((allocated ? "double allocation" : "double free") + " of unit "
                            + bit + " (byte offset " + bit * unit + ")");
                }
            }
        }
        for (long bit = first; bit < last; ) {
            byte[] bits = bits(batch, bit / BITS);
            for (long stop = chunkEnd(bit, last); bit < stop; bit++) {
                int i = (int) (bit % BITS);
                bits[i >>> 3] ^= (byte) (1 << (i & 7));
            }
        }
        marks++;
    }

    /** Where the run of bits from {@code bit} to {@code last} leaves {@code bit}'s chunk. */
    private static long chunkEnd(long bit, long last) {
        return Math.min(last, (bit / BITS + 1) * BITS);
    }

    /** The chunk's bits as the open batch has them, kept in {@link #pending} to be changed in place. */
    private byte[] bits(Batch batch, long chunk) {
        byte[] bits = pending.get(chunk);
        if (bits == null) {
            byte[] old = clean.remove(chunk);
            if (old == null && mayHaveKey(chunk)) {
                old = batch.get(store, Keys.free(chunk));
            }
            bits = old == null ? new byte[CHUNK_BYTES] : old.clone();
            pending.put(chunk, bits);
        }
        return bits;
    }

    private boolean mayHaveKey(long chunk) {
        return stored == null || !tracked(chunk) || stored.get((int) chunk);
    }

    /** True if {@link #stored} can say whether {@code chunk} has a key (a BitSet is indexed by int). */
    private static boolean tracked(long chunk) {
        return chunk <= Integer.MAX_VALUE;
    }

    /** Puts the chunks changed since the last flush in {@code batch}, the open batch, before it is committed. */
    public void flush(Batch batch) {
        pending.forEach((chunk, bits) -> {
            boolean free = isZero(bits);
            if (free) {
                batch.delete(Keys.free(chunk));
            } else {
                batch.put(Keys.free(chunk), bits);
            }
            clean.put(chunk, free ? ALL_FREE : bits);
            if (stored != null && tracked(chunk)) {
                stored.set(chunk.intValue(), !free);
            }
        });
        pending.clear();
    }

    /** Changes recorded so far (each allocate or release counts one): tells whether an operation changed anything. */
    public long marks() {
        return marks;
    }

    /** {@link #load(Allocator, long, long, List)} without the free runs. */
    public long load(Allocator allocator, long dataStart, long dataEnd) {
        return load(allocator, dataStart, dataEnd, null);
    }

    /**
     * Declares the data area free in {@code allocator}, then every allocated run allocated, as the
     * store has them, in one scan; adds the free runs between them to {@code freeRuns} (in offset
     * order) unless it is null. Returns bytes allocated. The first call (the mount's, before any
     * change) also learns which chunks have a key.
     */
    public long load(Allocator allocator, long dataStart, long dataEnd, List<Extent> freeRuns) {
        allocator.initAddFree(dataStart, dataEnd - dataStart);
        BitSet keys = stored == null && marks == 0 ? new BitSet() : null;
        long allocated = 0;
        long at = dataStart; // where the free run before the next allocated one starts
        try (KeyValueStore.Cursor c = store.scan(new byte[] {Keys.FREE}, Keys.end(Keys.FREE))) {
            while (c.next()) {
                long chunk = Keys.freeChunkOf(c.key());
                if (keys != null && tracked(chunk)) {
                    keys.set((int) chunk);
                }
                long base = chunk * BITS;
                byte[] bits = c.value();
                int i = 0;
                while (i < BITS) {
                    if (!isSet(bits, i)) {
                        i++;
                        continue;
                    }
                    int run = i;
                    while (run < BITS && isSet(bits, run)) {
                        run++;
                    }
                    long offset = (base + i) * unit; // a run crossing chunks comes in pieces
                    long length = (long) (run - i) * unit;
                    allocator.initRmFree(offset, length);
                    allocated += length;
                    if (freeRuns != null && offset > at) {
                        freeRuns.add(new Extent(at, offset - at));
                    }
                    at = offset + length;
                    i = run;
                }
            }
        }
        if (freeRuns != null && at < dataEnd) {
            freeRuns.add(new Extent(at, dataEnd - at));
        }
        if (keys != null) {
            stored = keys;
        }
        return allocated;
    }

    /** True if every unit of the range is recorded allocated (for the consistency check). */
    public boolean isAllocated(long offset, long length) {
        for (long bit = offset / unit; bit < (offset + length) / unit; bit++) {
            byte[] bits = store.get(Keys.free(bit / BITS));
            if (bits == null || !isSet(bits, (int) (bit % BITS))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSet(byte[] bits, int i) {
        return (bits[i >>> 3] & (1 << (i & 7))) != 0;
    }

    private static boolean isZero(byte[] bits) {
        for (byte b : bits) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
