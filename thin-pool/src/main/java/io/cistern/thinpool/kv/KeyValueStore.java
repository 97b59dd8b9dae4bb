package io.cistern.thinpool.kv;

/**
 * An ordered byte-key store with atomic batches: the pool's only way to persist metadata, so the
 * RocksDB store and the in-memory store are interchangeable. Keys compare as unsigned bytes.
 *
 * <p>Thread-safety: implementations accept concurrent calls.
 */
public interface KeyValueStore extends AutoCloseable {

    /** The value of {@code key}, or null. */
    byte[] get(byte[] key);

    /** Keys in {@code [from, to)} in ascending order. The caller closes the cursor. */
    Cursor scan(byte[] from, byte[] to);

    /** Applies every operation of {@code batch} atomically; with {@code sync} durably before returning. */
    void write(Batch batch, boolean sync);

    /** Lookups served from the store's bounded cache, and those that had to read storage. */
    CacheStats cacheStats();

    /** Native memory the store holds now; a store that keeps nothing outside the heap reports none. */
    default MemoryUsage memory() {
        return MemoryUsage.NONE;
    }

    @Override
    void close();

    /** Cache effectiveness; {@link #hitRate()} is what the pool reports. */
    record CacheStats(long hits, long misses, long capacityBytes) {
        public double hitRate() {
            return hits + misses == 0 ? 1.0 : (double) hits / (hits + misses);
        }
    }

    /**
     * Where the store's native memory is (bytes), as RocksDB reports it: table readers (index and
     * filter blocks not held in the block cache), memtables, the block cache (which is charged for
     * memtables too) and the part of it pinned (not evictable).
     */
    record MemoryUsage(long tableReaders, long memtables, long blockCache, long blockCachePinned) {
        public static final MemoryUsage NONE = new MemoryUsage(0, 0, 0, 0);
    }

    /** A forward cursor; {@link #next()} must be called before the first {@link #key()}. */
    interface Cursor extends AutoCloseable {
        boolean next();

        byte[] key();

        byte[] value();

        @Override
        void close();
    }
}
