package io.cistern.thinpool.dedup;

/**
 * The dedup table's size, as {@code zpool status -D} reports it ("DDT entries N, size X on disk, Y
 * in core"), the pool's dedup ratio as {@code zpool list}'s DEDUP, and the cache's effectiveness.
 *
 * @param entries       entries in the table (unique blocks written with dedup on, extent still live)
 * @param diskBytesPerEntry metadata bytes on disk per entry, before the store's compression
 * @param allocatedBytes stored bytes (after compression) of the entries' blocks, each once
 * @param referencedBytes the same bytes once per map entry that points at them (snapshots share a
 *                      map entry with their volume; copies and dedup hits add one)
 * @param cachedEntries entries in the in-memory cache
 * @param cacheBytes    memory the cache holds (allocated whole, at its cap, on the table's first use)
 * @param cacheCapBytes the configured bound of that memory
 * @param bytesPerCachedEntry memory per cached entry
 * @param hits          lookups answered by the cache
 * @param misses        lookups that read the store
 */
public record DedupStats(long entries, int diskBytesPerEntry, long allocatedBytes, long referencedBytes,
        long cachedEntries, long cacheBytes, long cacheCapBytes, int bytesPerCachedEntry, long hits, long misses) {

    public long diskBytes() {
        return entries * diskBytesPerEntry;
    }

    /** ZFS's dedupratio: referenced over allocated bytes of deduped data; 1.0 with none. */
    public double ratio() {
        return allocatedBytes == 0 ? 1.0 : (double) referencedBytes / allocatedBytes;
    }

    /** Share of lookups answered by the cache (0 before any). */
    public double cacheHitRate() {
        return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    }

    @Override
    public String toString() {
        return String.format("dedup: DDT entries %d, size %d on disk, %d in core (%d cached, %d bytes each, cap %d;"
                + " %d hits, %d misses); dedup ratio %.2fx", entries, diskBytes(), cacheBytes, cachedEntries,
                bytesPerCachedEntry, cacheCapBytes, hits, misses, ratio());
    }
}
