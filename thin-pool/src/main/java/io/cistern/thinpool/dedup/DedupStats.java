package io.cistern.thinpool.dedup;

/**
 * The dedup table's size, as {@code zpool status -D} reports it ("DDT entries N, size X on disk, Y
 * in core"), and the cache's effectiveness.
 *
 * @param entries       entries in the table (unique blocks written with dedup on, extent still live)
 * @param diskBytesPerEntry metadata bytes on disk per entry, before the store's compression
 * @param cachedEntries entries in the in-memory cache
 * @param cacheBytes    memory the cache holds (fixed at its cap: it is allocated up front)
 * @param bytesPerCachedEntry memory per cached entry
 * @param hits          lookups answered by the cache
 * @param misses        lookups that read the store
 */
public record DedupStats(long entries, int diskBytesPerEntry, long cachedEntries, long cacheBytes,
        int bytesPerCachedEntry, long hits, long misses) {

    public long diskBytes() {
        return entries * diskBytesPerEntry;
    }

    @Override
    public String toString() {
        return String.format("dedup: DDT entries %d, size %d on disk, %d in core (%d cached, %d bytes each;"
                + " %d hits, %d misses)", entries, diskBytes(), cacheBytes, cachedEntries, bytesPerCachedEntry, hits, misses);
    }
}
