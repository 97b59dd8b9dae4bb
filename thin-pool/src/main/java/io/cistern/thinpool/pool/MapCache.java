package io.cistern.thinpool.pool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded LRU cache of block-map entries in the heap, in front of the metadata store: per
 * (map, block), every version the map holds, newest first (an empty array: none). A hit is a hash
 * probe instead of a RocksDB seek through JNI.
 *
 * <p>Exactness: an entry always equals what a scan of the open batch (over the batch in flight,
 * over the store) returns, because every map change goes through {@link MapStore}, which reports
 * each block version it adds or removes here ({@link #added}, {@link #removed}). Commits only move changes
 * from a batch into the store, so they change nothing a scan sees; a failed operation stops the pool.
 *
 * <p>Thread-safety: none; the pool's metadata thread only.
 */
final class MapCache {
    /** Heap bytes per cached entry, as laid out by HotSpot with compressed oops: hash-map entry,
     * key, version array, version and mapping objects. */
    static final int ENTRY_BYTES = 168;
    static final BlockMap.Version[] NONE = new BlockMap.Version[0];

    private record Slot(long mapId, long block) {
    }

    private final int capacity;
    private final LinkedHashMap<Slot, BlockMap.Version[]> entries;
    private long hits;
    private long misses;

    /** A cache of at most {@code bytes / ENTRY_BYTES} entries; 0 bytes caches nothing. */
    MapCache(long bytes) {
        this.capacity = (int) Math.min(Integer.MAX_VALUE - 8, bytes / ENTRY_BYTES);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Slot, BlockMap.Version[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Every version of {@code block} in map {@code mapId}, newest first, or null if not cached. */
    BlockMap.Version[] get(long mapId, long block) {
        BlockMap.Version[] v = entries.get(new Slot(mapId, block));
        if (v == null) {
            misses++;
        } else {
            hits++;
        }
        return v;
    }

    /** Caches what a scan found for {@code block}. */
    void put(long mapId, long block, BlockMap.Version[] versions) {
        if (capacity > 0) {
            entries.put(new Slot(mapId, block), versions);
        }
    }

    /** {@code block} got version {@code v} (replacing one of the same birth): patches its entry, if cached. */
    void added(long mapId, long block, BlockMap.Version v) {
        Slot slot = new Slot(mapId, block);
        BlockMap.Version[] old = entries.get(slot);
        if (old == null) {
            return;
        }
        int at = indexOf(old, v.birth());
        if (at < old.length && old[at].birth() == v.birth()) {
            old[at] = v; // in place: nobody keeps an entry's array past the operation that got it
            return;
        }
        BlockMap.Version[] now = new BlockMap.Version[old.length + 1];
        System.arraycopy(old, 0, now, 0, at);
        System.arraycopy(old, at, now, at + 1, old.length - at);
        now[at] = v;
        entries.put(slot, now);
    }

    /** {@code block} lost its version born at {@code birth}: patches its entry, if cached. */
    void removed(long mapId, long block, long birth) {
        Slot slot = new Slot(mapId, block);
        BlockMap.Version[] old = entries.get(slot);
        if (old == null) {
            return;
        }
        int at = indexOf(old, birth);
        if (at == old.length || old[at].birth() != birth) {
            return;
        }
        BlockMap.Version[] now = new BlockMap.Version[old.length - 1];
        System.arraycopy(old, 0, now, 0, at);
        System.arraycopy(old, at + 1, now, at, old.length - at - 1);
        entries.put(slot, now);
    }

    /** Where a version born at {@code birth} is or would go (versions come newest first). */
    private static int indexOf(BlockMap.Version[] vs, long birth) {
        int at = 0;
        while (at < vs.length && vs[at].birth() > birth) {
            at++;
        }
        return at;
    }

    /** Share of lookups answered from the cache (1 before any lookup). */
    double hitRate() {
        return hits + misses == 0 ? 1.0 : (double) hits / (hits + misses);
    }

    int size() {
        return entries.size();
    }

    int capacity() {
        return capacity;
    }
}
