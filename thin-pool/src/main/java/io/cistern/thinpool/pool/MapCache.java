package io.cistern.thinpool.pool;

import io.cistern.thinpool.compress.Codec;
import io.cistern.thinpool.meta.Mapping;

/**
 * A bounded cache of block-map entries in the heap, in front of the metadata store: per (map, block),
 * every version the map holds, newest first (an empty array: none). A hit is a hash probe instead of
 * a RocksDB seek through JNI.
 *
 * <p>Exactness: an entry always equals what a scan of the open batch (over the batch in flight,
 * over the store) returns, because every map change goes through {@link MapStore}, which reports
 * each block version it adds or removes here ({@link #added}, {@link #removed}). Commits only move changes
 * from a batch into the store, so they change nothing a scan sees; a failed operation stops the pool.
 *
 * <p>Layout: an open-addressing table (linear probing) in one {@code long[]}, {@link #SLOT} longs
 * per slot: the key (map id + 1, block) and, inline, the entry's version when it has exactly one,
 * which is the common case (four longs: birth; offset; length and crc; fragment offset, extent
 * units, codec, ends its record). An entry of several versions keeps them all in a {@code long[]}
 * of its own beside the table. CLOCK instead of LRU order. The blocks of a run of {@link #GROUP}
 * hash to adjacent slots, so the 256 blocks of a 1 MiB write are 16 stretches of memory, read in order:
 * with each version in an array of its own, the lookups of a 1 MiB overwrite spent half their
 * time waiting for those arrays (session 15). An overwrite that replaces a version of the same
 * birth rewrites longs in place and stores no reference into the old generation: an earlier cache
 * of objects in an access-ordered LinkedHashMap cost G1 0.3-0.5 s of card refinement per 200k
 * 4 KiB writes, and as much per 4000 MiB of 1 MiB writes.
 *
 * <p>Thread-safety: none; the pool's metadata thread only.
 */
final class MapCache {
    /** Longs per slot: map id + 1 (0: a free slot), block, then one version's {@link #WORDS}. */
    private static final int SLOT = 6;
    /** Longs per version: birth; offset; length and crc; fragment offset, extent units, codec, ends its record. */
    private static final int WORDS = 4;
    /**
     * Heap bytes per cached entry of one version, at most: four table slots (the table is at most
     * half full, and doubles) of {@link #SLOT} longs, a reference and a CLOCK bit.
     */
    static final int ENTRY_BYTES = 4 * (SLOT * 8 + 4 + 1);
    static final BlockMap.Version[] NONE = new BlockMap.Version[0];
    /** In a slot's last word (its version's packed word): the slot holds one version inline. */
    private static final long ONE = 1L << 63;
    /** In a slot's last word: the slot's versions, two or more, are in {@link #more}. */
    private static final long MANY = 1L << 62;
    private static final int FIRST_SLOTS = 1024;
    private static final int GROUP = 16;
    private static final int MAX_CAPACITY = 1 << 27; // slots, up to four per entry, times SLOT: an int index
    private static final Codec[] CODECS = Codec.values();

    private final int capacity;
    private final int maxSlots;
    private long[] table;
    /** Per slot: its versions when they are two or more, newest first; else null. */
    private long[][] more;
    /** CLOCK's bit: used since the hand last passed. */
    private boolean[] used;
    private int mask;
    /** The slot {@link #find} found last: a hint, checked against the key before use. */
    private int found;
    private int size;
    private int hand;
    private long hits;
    private long misses;

    /** A cache of at most {@code bytes / ENTRY_BYTES} entries; 0 bytes caches nothing. */
    MapCache(long bytes) {
        this.capacity = (int) Math.min(MAX_CAPACITY, bytes / ENTRY_BYTES);
        this.maxSlots = capacity == 0 ? 0 : Integer.highestOneBit(2 * capacity - 1) << 1;
        allocate(Math.min(maxSlots, FIRST_SLOTS));
    }

    /** Every version of {@code block} in map {@code mapId}, newest first, or null if not cached. */
    BlockMap.Version[] get(long mapId, long block) {
        int at = find(mapId, block);
        if (at < 0) {
            misses++;
            return null;
        }
        long last = table[at * SLOT + SLOT - 1];
        long[] w = (last & MANY) != 0 ? more[at] : null;
        hits++;
        used[at] = true;
        if ((last & ONE) != 0) {
            return new BlockMap.Version[] {decode(table, at * SLOT + 2)};
        }
        if (w == null) {
            return NONE;
        }
        BlockMap.Version[] out = new BlockMap.Version[w.length / WORDS];
        for (int i = 0; i < out.length; i++) {
            out[i] = decode(w, i * WORDS);
        }
        return out;
    }

    /** {@link #newest}: not cached, no version, a hole, or data. */
    static final byte UNCACHED = 0;
    static final byte UNWRITTEN = 1;
    static final byte HOLE = 2;
    static final byte DATA = 3;

    /**
     * What the newest version of {@code block} in map {@code mapId} is, read in place: GET LBA STATUS
     * asks this of thousands of blocks at a time, and decoding each into objects cost as much as
     * the probes.
     */
    byte newest(long mapId, long block) {
        int at = find(mapId, block);
        if (at < 0) {
            misses++;
            return UNCACHED;
        }
        hits++;
        used[at] = true;
        long last = table[at * SLOT + SLOT - 1];
        long lengthAndCrc;
        if ((last & ONE) != 0) {
            lengthAndCrc = table[at * SLOT + 4];
        } else if ((last & MANY) != 0) {
            lengthAndCrc = more[at][2]; // the newest version comes first
        } else {
            return UNWRITTEN;
        }
        return lengthAndCrc >>> 32 == 0 ? HOLE : DATA;
    }

    /** Caches what a scan found for {@code block}. */
    void put(long mapId, long block, BlockMap.Version[] vs) {
        if (capacity == 0) {
            return;
        }
        int at = find(mapId, block);
        if (at < 0) {
            at = insert(mapId, block);
        }
        if (vs.length > 1) {
            long[] w = new long[vs.length * WORDS];
            for (int i = 0; i < vs.length; i++) {
                encode(vs[i], w, i * WORDS);
            }
            setMany(at, w);
        } else if (vs.length == 1) {
            setOne(at, vs[0]);
        } else {
            setNone(at);
        }
        used[at] = true;
    }

    /** {@code block} got version {@code v} (replacing one of the same birth): patches its entry, if cached. */
    void added(long mapId, long block, BlockMap.Version v) {
        int at = find(mapId, block);
        if (at < 0) {
            return;
        }
        int base = at * SLOT;
        long last = table[base + SLOT - 1];
        if ((last & MANY) == 0) {
            if ((last & ONE) == 0 || table[base + 2] == v.birth()) {
                setOne(at, v); // in place: no reference stored
                return;
            }
            long[] now = new long[2 * WORDS]; // a second version: both go to an array, newest first
            int kept = table[base + 2] > v.birth() ? 0 : WORDS;
            System.arraycopy(table, base + 2, now, kept, WORDS);
            now[kept + WORDS - 1] &= ~ONE;
            encode(v, now, WORDS - kept);
            setMany(at, now);
            return;
        }
        long[] old = more[at];
        int i = indexOf(old, v.birth());
        if (i < old.length && old[i] == v.birth()) {
            encode(v, old, i); // in place: nobody else keeps the array
            return;
        }
        long[] now = new long[old.length + WORDS];
        System.arraycopy(old, 0, now, 0, i);
        System.arraycopy(old, i, now, i + WORDS, old.length - i);
        encode(v, now, i);
        setMany(at, now);
    }

    /** {@code block} lost its version born at {@code birth}: patches its entry, if cached. */
    void removed(long mapId, long block, long birth) {
        int at = find(mapId, block);
        if (at < 0) {
            return;
        }
        int base = at * SLOT;
        long last = table[base + SLOT - 1];
        if ((last & ONE) != 0) {
            if (table[base + 2] == birth) {
                setNone(at);
            }
            return;
        }
        if ((last & MANY) == 0) {
            return;
        }
        long[] old = more[at];
        int i = indexOf(old, birth);
        if (i == old.length || old[i] != birth) {
            return;
        }
        if (old.length == 2 * WORDS) { // the other version goes inline
            System.arraycopy(old, WORDS - i, table, base + 2, WORDS);
            table[base + SLOT - 1] |= ONE;
            more[at] = null;
            return;
        }
        long[] now = new long[old.length - WORDS];
        System.arraycopy(old, 0, now, 0, i);
        System.arraycopy(old, i + WORDS, now, i, old.length - i - WORDS);
        setMany(at, now);
    }

    private void setOne(int at, BlockMap.Version v) {
        more[at] = null;
        encode(v, table, at * SLOT + 2);
        table[at * SLOT + SLOT - 1] |= ONE;
    }

    private void setMany(int at, long[] w) {
        more[at] = w;
        table[at * SLOT + SLOT - 1] = MANY;
    }

    private void setNone(int at) {
        more[at] = null;
        table[at * SLOT + SLOT - 1] = 0;
    }

    /** Where, in words, a version born at {@code birth} is or would go (versions come newest first). */
    private static int indexOf(long[] w, long birth) {
        int i = 0;
        while (i < w.length && w[i] > birth) {
            i += WORDS;
        }
        return i;
    }

    private static void encode(BlockMap.Version v, long[] w, int i) {
        Mapping m = v.mapping();
        if (m.fragmentOffset() >>> 16 != 0 || m.extentUnits() >>> 8 != 0) {
            throw new IllegalStateException("mapping beyond the cache's encoding: " + m);
        }
        w[i] = v.birth();
        w[i + 1] = m.offset();
        w[i + 2] = (long) m.length() << 32 | m.crc() & 0xFFFF_FFFFL;
        w[i + 3] = (long) m.fragmentOffset() << 16 | m.extentUnits() << 8 | m.codec().ordinal() << 1 | (v.ends() ? 1 : 0);
    }

    private static BlockMap.Version decode(long[] w, int i) {
        long packed = w[i + 3];
        Mapping m = new Mapping(w[i + 1], (int) (w[i + 2] >>> 32), (int) w[i + 2], (int) (packed >>> 16) & 0xFFFF,
                (int) (packed >>> 8) & 0xFF, CODECS[(int) (packed >>> 1) & 0x7F]);
        return new BlockMap.Version(w[i], m, (packed & 1) != 0);
    }

    /**
     * Blocks of a run of {@link #GROUP} hash to adjacent slots, so a range is looked up in a few
     * places of memory instead of one per block; the runs themselves are spread by a mix.
     */
    private int home(long mapId, long block) {
        long h = mapId * 0x9E37_79B9_7F4A_7C15L + (block / GROUP) * 0xC2B2_AE3D_27D4_EB4FL;
        return (int) ((h ^ h >>> 31) * GROUP + block % GROUP) & mask;
    }

    /**
     * The slot holding (mapId, block), or -1. Tries first the slot after the one found last: lookups
     * come in block order over a range, and a run's blocks sit side by side, so that slot usually
     * holds the next block. From its home, a block of a run that a colliding run pushed along takes
     * {@link #GROUP} probes or more (9.6 on average in a half-full table of whole runs).
     */
    private int find(long mapId, long block) {
        if (size == 0) {
            return -1;
        }
        int next = found + 1 & mask;
        if (table[next * SLOT + 1] == block && table[next * SLOT] == mapId + 1) {
            return found = next;
        }
        for (int at = home(mapId, block); table[at * SLOT] != 0; at = at + 1 & mask) {
            if (table[at * SLOT] == mapId + 1 && table[at * SLOT + 1] == block) {
                return found = at;
            }
        }
        return -1;
    }

    /** A new slot for (mapId, block), which is not in the table, holding no version yet; evicts or grows to make room. */
    private int insert(long mapId, long block) {
        if (size == capacity) {
            evict();
        } else if (2 * (size + 1) > used.length && used.length < maxSlots) {
            grow();
        }
        int at = home(mapId, block);
        while (table[at * SLOT] != 0) {
            at = at + 1 & mask;
        }
        table[at * SLOT] = mapId + 1;
        table[at * SLOT + 1] = block;
        table[at * SLOT + SLOT - 1] = 0;
        size++;
        return at;
    }

    /** CLOCK: drops the first entry the hand finds unused since it last passed (two sweeps at most). */
    private void evict() {
        for (int n = 0; n < 2 * used.length; n++) {
            int at = hand;
            hand = hand + 1 & mask;
            if (table[at * SLOT] != 0) {
                if (!used[at]) {
                    delete(at);
                    return;
                }
                used[at] = false;
            }
        }
        throw new IllegalStateException("map cache: no entry to evict among " + size);
    }

    /** Empties a slot, moving later entries of its probe run back so every entry stays reachable. */
    private void delete(int at) {
        int gap = at;
        for (int j = at + 1 & mask; table[j * SLOT] != 0; j = j + 1 & mask) {
            int home = home(table[j * SLOT] - 1, table[j * SLOT + 1]);
            if ((j - home & mask) >= (j - gap & mask)) { // the gap lies on j's probe path
                System.arraycopy(table, j * SLOT, table, gap * SLOT, SLOT);
                more[gap] = more[j];
                used[gap] = used[j];
                gap = j;
            }
        }
        table[gap * SLOT] = 0;
        more[gap] = null;
        used[gap] = false;
        size--;
    }

    private void grow() {
        long[] oldTable = table;
        long[][] oldMore = more;
        boolean[] oldUsed = used;
        allocate(oldUsed.length * 2);
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldTable[i * SLOT] != 0) {
                int at = home(oldTable[i * SLOT] - 1, oldTable[i * SLOT + 1]);
                while (table[at * SLOT] != 0) {
                    at = at + 1 & mask;
                }
                System.arraycopy(oldTable, i * SLOT, table, at * SLOT, SLOT);
                more[at] = oldMore[i];
                used[at] = oldUsed[i];
            }
        }
    }

    private void allocate(int slots) {
        table = new long[slots * SLOT];
        more = new long[slots][];
        used = new boolean[slots];
        mask = slots - 1;
        hand = 0;
    }

    /** Share of lookups answered from the cache (1 before any lookup). */
    double hitRate() {
        return hits + misses == 0 ? 1.0 : (double) hits / (hits + misses);
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }
}
