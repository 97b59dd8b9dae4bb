package io.cistern.thinpool.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cistern.thinpool.alloc.ExtentAllocator;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.ForwardingStore;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The freelist's chunk lookups: which it spares after the mount, and that what it keeps stays right. */
class FreelistTest {
    private static final long UNIT = 4096;
    private static final long CHUNK = UNIT * Freelist.BITS; // bytes one bitmap key covers

    /** A store that counts the lookups of freelist keys. */
    private static final class Counting extends ForwardingStore {
        int freeGets;

        Counting() {
            super(new MemoryKeyValueStore());
        }

        MemoryKeyValueStore inner() {
            return store;
        }

        @Override
        public byte[] get(byte[] key) {
            if (key[0] == Keys.FREE) {
                freeGets++;
            }
            return store.get(key);
        }
    }

    @Test
    void afterTheMountOnlyChunksWithAKeyAreLookedUpAndOnlyOnce() {
        Counting store = new Counting();
        Freelist earlier = new Freelist(store, UNIT); // an earlier open of the pool gives chunk 0 a key
        Batch b0 = new Batch();
        earlier.allocate(b0, 0, UNIT);
        earlier.flush(b0);
        store.write(b0, true);

        Freelist f = new Freelist(store, UNIT);
        f.load(new ExtentAllocator(UNIT), 0, 16 * CHUNK);
        store.freeGets = 0;
        Batch b = new Batch();
        f.allocate(b, 5 * CHUNK, 4 * UNIT); // new space: no key, no lookup
        f.allocate(b, 9 * CHUNK + UNIT, UNIT);
        assertEquals(0, store.freeGets);
        f.allocate(b, UNIT, UNIT); // chunk 0 has a key
        assertEquals(1, store.freeGets);
        f.flush(b);
        store.write(b, true);
        Batch c = new Batch();
        f.release(c, 5 * CHUNK, 4 * UNIT); // all kept from the flush
        f.release(c, UNIT, UNIT);
        f.allocate(c, 9 * CHUNK + 2 * UNIT, UNIT);
        assertEquals(1, store.freeGets);
        assertThrows(IllegalStateException.class, () -> f.allocate(c, 0, UNIT)); // the kept chunk still says allocated
        f.flush(c);
        store.write(c, true);
        assertEquals(bitmap(store.inner()), bitmapOf(0, 9 * CHUNK / UNIT + 1, 9 * CHUNK / UNIT + 2));
    }

    /**
     * Random allocations and frees over many chunks, flushed into batches that commit later (the open
     * batch reads through those in flight), with a second load midway (as a check does): the store
     * ends as a model says, and as a freelist that never mounted (one lookup per chunk) leaves its own.
     */
    @Test
    void keptChunksAgreeWithTheStoreThroughBatchesInFlightAndASecondLoad() {
        for (long seed = 1; seed <= 20; seed++) {
            for (int kept : new int[] {0, 3, Freelist.CLEAN_CHUNKS}) {
                MemoryKeyValueStore mounted = run(seed, true, kept);
                MemoryKeyValueStore plain = run(seed, false, kept);
                assertEquals(bitmap(plain), bitmap(mounted), "seed " + seed);
            }
        }
    }

    /** Checks the store as each batch lands against the model as it was when that batch was flushed. */
    private static MemoryKeyValueStore run(long seed, boolean mount, int kept) {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        Freelist f = new Freelist(store, UNIT, kept);
        if (mount) {
            f.load(new ExtentAllocator(UNIT), 0, 40 * CHUNK);
        }
        Random r = new Random(seed);
        BitSet model = new BitSet();
        long units = 40L * Freelist.BITS;
        Deque<Batch> inFlight = new ArrayDeque<>();
        Deque<BitSet> flushed = new ArrayDeque<>();
        Batch open = new Batch();
        for (int op = 0; op < 4000; op++) {
            int unit = r.nextInt(20) < 19 ? r.nextInt(4 * Freelist.BITS) : (int) (r.nextLong(units)); // mostly 4 chunks, hot
            int n = 1 + r.nextInt(Math.min(8, (int) units - unit));
            boolean allAllocated = model.get(unit, unit + n).cardinality() == n;
            boolean allFree = model.get(unit, unit + n).isEmpty();
            if (allFree) {
                f.allocate(open, unit * UNIT, n * UNIT);
                model.set(unit, unit + n);
            } else if (allAllocated) {
                f.release(open, unit * UNIT, n * UNIT);
                model.clear(unit, unit + n);
            } else {
                Batch current = open;
                assertThrows(IllegalStateException.class, () -> f.allocate(current, unit * UNIT, n * UNIT));
            }
            if (r.nextInt(50) == 0) { // a commit starts: the open batch goes in flight
                f.flush(open);
                inFlight.add(open);
                flushed.add((BitSet) model.clone());
                open = new Batch(open);
            }
            if (!inFlight.isEmpty() && r.nextInt(80) == 0) { // the oldest commit lands
                Batch landed = inFlight.poll();
                store.write(landed, true);
                landed.detach();
                assertEquals(flushed.poll(), bitmap(store), "seed " + seed + ", a commit landed before op " + op);
            }
            if (mount && op == 2000) {
                f.load(new ExtentAllocator(UNIT), 0, 40 * CHUNK);
            }
        }
        f.flush(open);
        inFlight.add(open);
        inFlight.forEach(b -> store.write(b, true));
        assertEquals(model, bitmap(store), "seed " + seed + (mount ? " mounted" : " plain") + ", " + kept + " kept");
        return store;
    }

    private static BitSet bitmapOf(long... units) {
        BitSet s = new BitSet();
        for (long u : units) {
            s.set((int) u);
        }
        return s;
    }

    /** The allocated units as the store's freelist keys have them. */
    private static BitSet bitmap(MemoryKeyValueStore store) {
        BitSet s = new BitSet();
        try (KeyValueStore.Cursor c = store.scan(new byte[] {Keys.FREE}, Keys.end(Keys.FREE))) {
            while (c.next()) {
                long base = Keys.freeChunkOf(c.key()) * Freelist.BITS;
                byte[] bits = c.value();
                assertEquals(Freelist.CHUNK_BYTES, bits.length);
                for (int i = 0; i < Freelist.BITS; i++) {
                    if ((bits[i >>> 3] & (1 << (i & 7))) != 0) {
                        s.set((int) (base + i));
                    }
                }
            }
        }
        return s;
    }

    @Test
    void anAllFreeChunkLeavesNoKey() {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        Freelist f = new Freelist(store, UNIT);
        f.load(new ExtentAllocator(UNIT), 0, 4 * CHUNK);
        Batch b = new Batch();
        f.allocate(b, CHUNK, UNIT);
        f.flush(b);
        store.write(b, true);
        Batch c = new Batch();
        f.release(c, CHUNK, UNIT);
        f.flush(c);
        store.write(c, true);
        assertEquals(0, store.bytesUnder(Keys.FREE));
        Batch d = new Batch();
        f.allocate(d, 2 * CHUNK, UNIT); // a chunk of new space is all free too
        f.flush(d);
        store.write(d, true);
        Batch e = new Batch();
        f.release(e, 2 * CHUNK, UNIT);
        f.flush(e); // chunks 1 and 2 are now both kept as all free
        Batch g = new Batch(e);
        f.allocate(g, CHUNK + UNIT, UNIT); // copies the kept chunk: the other all-free one stays all free
        f.allocate(g, 2 * CHUNK + UNIT, UNIT);
        f.flush(g);
        store.write(e, true);
        store.write(g, true);
        assertEquals(bitmapOf(Freelist.BITS + 1, 2 * Freelist.BITS + 1), bitmap(store));
    }
}
