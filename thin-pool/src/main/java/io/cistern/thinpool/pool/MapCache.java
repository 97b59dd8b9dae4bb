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
 * <p>Layout: an open-addressing table (linear probing) of primitive keys, each entry's versions
 * packed into one {@code long[]} of {@link #WORDS} longs per version, and CLOCK instead of LRU
 * order. An overwrite that replaces a version of the same birth (the common case) rewrites longs
 * in place, so it stores no reference into the old generation: an earlier cache of map entries and
 * version objects in an access-ordered LinkedHashMap cost G1 0.3-0.5 s of card refinement per 200k
 * 4 KiB writes, and as much per 4000 MiB of 1 MiB writes.
 *
 * <p>Thread-safety: none; the pool's metadata thread only.
 */
final class MapCache {
    /**
     * Heap bytes per cached entry of one version, at most: four table slots (the table is at most
     * half full, and doubles) of 21 bytes, and a 48-byte {@code long[4]}.
     */
    static final int ENTRY_BYTES = 4 * 21 + 48;
    static final BlockMap.Version[] NONE = new BlockMap.Version[0];
    private static final long[] EMPTY = new long[0];
    /** Longs per version: birth; offset; length and crc; fragment offset, extent units, codec, alone. */
    private static final int WORDS = 4;
    private static final int FIRST_SLOTS = 1024;
    private static final int GROUP = 16;
    private static final int MAX_CAPACITY = 1 << 29;
    private static final Codec[] CODECS = Codec.values();

    private final int capacity;
    private final int maxSlots;
    /** mapId + 1 per slot; 0: a free slot. */
    private long[] mapIds;
    private long[] blocks;
    private long[][] versions;
    /** CLOCK's bit: used since the hand last passed. */
    private boolean[] used;
    private int mask;
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
        return get(mapId, block, false);
    }

    /**
     * As {@link #get}, but null also when a version shares its record with other blocks: a writer
     * can then not answer from the cache (a 1 MiB write's 256 blocks are one record), and learns so
     * without decoding anything.
     */
    BlockMap.Version[] getAlone(long mapId, long block) {
        return get(mapId, block, true);
    }

    private BlockMap.Version[] get(long mapId, long block, boolean aloneOnly) {
        int at = find(mapId, block);
        if (at < 0) {
            misses++;
            return null;
        }
        long[] w = versions[at];
        for (int i = WORDS - 1; aloneOnly && i < w.length; i += WORDS) {
            if ((w[i] & 1) == 0) {
                misses++;
                return null;
            }
        }
        hits++;
        used[at] = true;
        if (w.length == 0) {
            return NONE;
        }
        BlockMap.Version[] out = new BlockMap.Version[w.length / WORDS];
        for (int i = 0; i < out.length; i++) {
            out[i] = decode(w, i * WORDS);
        }
        return out;
    }

    /** Caches what a scan found for {@code block}. */
    void put(long mapId, long block, BlockMap.Version[] vs) {
        if (capacity == 0) {
            return;
        }
        long[] w = vs.length == 0 ? EMPTY : new long[vs.length * WORDS];
        for (int i = 0; i < vs.length; i++) {
            encode(vs[i], w, i * WORDS);
        }
        int at = find(mapId, block);
        if (at < 0) {
            at = insert(mapId, block);
        }
        versions[at] = w;
        used[at] = true;
    }

    /** {@code block} got version {@code v} (replacing one of the same birth): patches its entry, if cached. */
    void added(long mapId, long block, BlockMap.Version v) {
        int at = find(mapId, block);
        if (at < 0) {
            return;
        }
        long[] old = versions[at];
        int i = indexOf(old, v.birth());
        if (i < old.length && old[i] == v.birth()) {
            encode(v, old, i); // in place: no reference stored, nobody keeps the array
            return;
        }
        long[] now = new long[old.length + WORDS];
        System.arraycopy(old, 0, now, 0, i);
        System.arraycopy(old, i, now, i + WORDS, old.length - i);
        encode(v, now, i);
        versions[at] = now;
    }

    /** {@code block} lost its version born at {@code birth}: patches its entry, if cached. */
    void removed(long mapId, long block, long birth) {
        int at = find(mapId, block);
        if (at < 0) {
            return;
        }
        long[] old = versions[at];
        int i = indexOf(old, birth);
        if (i == old.length || old[i] != birth) {
            return;
        }
        long[] now = old.length == WORDS ? EMPTY : new long[old.length - WORDS];
        System.arraycopy(old, 0, now, 0, i);
        System.arraycopy(old, i + WORDS, now, i, old.length - i - WORDS);
        versions[at] = now;
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
        w[i + 3] = (long) m.fragmentOffset() << 16 | m.extentUnits() << 8 | m.codec().ordinal() << 1 | (v.alone() ? 1 : 0);
    }

    private static BlockMap.Version decode(long[] w, int i) {
        long packed = w[i + 3];
        Mapping m = new Mapping(w[i + 1], (int) (w[i + 2] >>> 32), (int) w[i + 2], (int) (packed >>> 16),
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

    /** The slot holding (mapId, block), or -1. */
    private int find(long mapId, long block) {
        if (size == 0) {
            return -1;
        }
        for (int at = home(mapId, block); mapIds[at] != 0; at = at + 1 & mask) {
            if (mapIds[at] == mapId + 1 && blocks[at] == block) {
                return at;
            }
        }
        return -1;
    }

    /** A new slot for (mapId, block), which is not in the table; evicts or grows to make room. */
    private int insert(long mapId, long block) {
        if (size == capacity) {
            evict();
        } else if (2 * (size + 1) > mapIds.length && mapIds.length < maxSlots) {
            grow();
        }
        int at = home(mapId, block);
        while (mapIds[at] != 0) {
            at = at + 1 & mask;
        }
        mapIds[at] = mapId + 1;
        blocks[at] = block;
        size++;
        return at;
    }

    /** CLOCK: drops the first entry the hand finds unused since it last passed (two sweeps at most). */
    private void evict() {
        for (int n = 0; n < 2 * mapIds.length; n++) {
            int at = hand;
            hand = hand + 1 & mask;
            if (mapIds[at] != 0) {
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
        for (int j = at + 1 & mask; mapIds[j] != 0; j = j + 1 & mask) {
            int home = home(mapIds[j] - 1, blocks[j]);
            if ((j - home & mask) >= (j - gap & mask)) { // the gap lies on j's probe path
                mapIds[gap] = mapIds[j];
                blocks[gap] = blocks[j];
                versions[gap] = versions[j];
                used[gap] = used[j];
                gap = j;
            }
        }
        mapIds[gap] = 0;
        versions[gap] = null;
        used[gap] = false;
        size--;
    }

    private void grow() {
        long[] oldMaps = mapIds;
        long[] oldBlocks = blocks;
        long[][] oldVersions = versions;
        boolean[] oldUsed = used;
        allocate(oldMaps.length * 2);
        for (int i = 0; i < oldMaps.length; i++) {
            if (oldMaps[i] != 0) {
                int at = home(oldMaps[i] - 1, oldBlocks[i]);
                while (mapIds[at] != 0) {
                    at = at + 1 & mask;
                }
                mapIds[at] = oldMaps[i];
                blocks[at] = oldBlocks[i];
                versions[at] = oldVersions[i];
                used[at] = oldUsed[i];
            }
        }
    }

    private void allocate(int slots) {
        mapIds = new long[slots];
        blocks = new long[slots];
        versions = new long[slots][];
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
