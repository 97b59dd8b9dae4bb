package io.cistern.thinpool.meta;

import io.cistern.thinpool.alloc.Allocator;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;

/**
 * The persistent record of allocated space, after BlueStore's BitmapFreelistManager: one bit per
 * allocation unit, {@link #BITS} bits per key under {@link Keys#FREE}; a missing key is all free.
 * Changes go into the same batch as the mappings that use or drop the space, so after a crash the
 * freelist and the maps agree. The in-memory {@link Allocator} is rebuilt from it at mount.
 *
 * <p>Setting a set bit or clearing a clear one throws: a double allocation or double free is a bug
 * caught before it reaches disk.
 *
 * <p>Thread-safety: none; used from the pool's metadata thread.
 */
public final class Freelist {
    public static final int CHUNK_BYTES = 64;
    public static final int BITS = CHUNK_BYTES * 8;

    private final KeyValueStore store;
    private final long unit;

    public Freelist(KeyValueStore store, long unit) {
        this.store = store;
        this.unit = unit;
    }

    /** Records {@code [offset, offset + length)} as allocated in {@code batch}. */
    public void allocate(Batch batch, long offset, long length) {
        mark(batch, offset, length, true);
    }

    /** Records {@code [offset, offset + length)} as free in {@code batch}. */
    public void release(Batch batch, long offset, long length) {
        mark(batch, offset, length, false);
    }

    private void mark(Batch batch, long offset, long length, boolean allocated) {
        long first = offset / unit;
        long last = (offset + length) / unit;
        for (long bit = first; bit < last; ) {
            long chunk = bit / BITS;
            byte[] key = Keys.free(chunk);
            byte[] old = batch.get(store, key);
            byte[] bits = old == null ? new byte[CHUNK_BYTES] : old.clone();
            long stop = Math.min(last, (chunk + 1) * BITS);
            for (; bit < stop; bit++) {
                int i = (int) (bit % BITS);
                boolean set = (bits[i >>> 3] & (1 << (i & 7))) != 0;
                if (set == allocated) {
                    throw new IllegalStateException((allocated ? "double allocation" : "double free") + " of unit "
                            + bit + " (byte offset " + bit * unit + ")");
                }
                bits[i >>> 3] ^= (byte) (1 << (i & 7));
            }
            if (isZero(bits)) {
                batch.delete(key);
            } else {
                batch.put(key, bits);
            }
        }
    }

    /** Mount: declares the data area free, then every allocated run allocated. Returns bytes allocated. */
    public long load(Allocator allocator, long dataStart, long dataEnd) {
        allocator.initAddFree(dataStart, dataEnd - dataStart);
        long allocated = 0;
        try (KeyValueStore.Cursor c = store.scan(new byte[] {Keys.FREE}, Keys.end(Keys.FREE))) {
            while (c.next()) {
                long base = Keys.freeChunkOf(c.key()) * BITS;
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
                    allocator.initRmFree((base + i) * unit, (long) (run - i) * unit);
                    allocated += (long) (run - i) * unit;
                    i = run;
                }
            }
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
