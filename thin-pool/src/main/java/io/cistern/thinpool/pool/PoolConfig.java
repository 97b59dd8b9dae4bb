package io.cistern.thinpool.pool;

import io.cistern.thinpool.alloc.ExtentAllocator;

/**
 * Tunables of an open pool; none is stored on disk, so each may change between opens.
 *
 * @param allocator        allocator implementation name (see {@code Allocators.NAMES})
 * @param metadataCacheBytes bound of the metadata block cache (RocksDB LRU cache)
 * @param commitIntervalMillis longest time a non-FUA write stays volatile
 * @param maxBatchKeys     commit once this many metadata keys are pending
 * @param softThresholdPercent pool usage (percent of capacity) that notifies soft-threshold listeners
 * @param readThreads      threads reading the device and verifying checksums for reads
 * @param mapCacheBytes    bound of the in-heap cache of hot block-map entries (0: none)
 * @param dedupCacheBytes  bound of the in-heap cache of dedup-table entries, allocated whole when the
 *                         pool first dedups (0: the smallest, one set of 8 entries)
 * @param metadataHeadroomBytes bytes a file-backed pool leaves free in its file system, so the
 *                         metadata store (usually beside it) does not run out first; {@link #AUTO}:
 *                         {@link #metadataHeadroom(long) min(1 GiB, 2% of the pool)}
 * @param writeBackBytes   most bytes of small writes held in memory, acknowledged, to be placed in
 *                         block order before the next commit ({@code WriteBack}; 0: none held)
 */
public record PoolConfig(String allocator, long metadataCacheBytes, long commitIntervalMillis, int maxBatchKeys,
        int softThresholdPercent, int readThreads, long mapCacheBytes, long dedupCacheBytes, long metadataHeadroomBytes,
        long writeBackBytes) {
    public static final long AUTO = -1;

    /** The dedup cache's arrays are indexed by int. */
    public static final long MAX_DEDUP_CACHE_BYTES = 16L << 30;

    public static PoolConfig defaults() {
        return new PoolConfig(ExtentAllocator.NAME, 64L << 20, 1000, 1 << 16, 80, 2, 64L << 20, 64L << 20, AUTO, 64L << 20);
    }

    public PoolConfig {
        if (mapCacheBytes < 0 || dedupCacheBytes < 0) {
            throw new IllegalArgumentException("map and dedup caches must not be negative: " + mapCacheBytes + ", "
                    + dedupCacheBytes);
        }
        if (dedupCacheBytes > MAX_DEDUP_CACHE_BYTES) {
            throw new IllegalArgumentException("dedup cache larger than " + (MAX_DEDUP_CACHE_BYTES >> 30) + "G: "
                    + dedupCacheBytes);
        }
        if (writeBackBytes < 0) {
            throw new IllegalArgumentException("write-back bytes must not be negative: " + writeBackBytes);
        }
        if (metadataHeadroomBytes < 0 && metadataHeadroomBytes != AUTO) {
            throw new IllegalArgumentException("metadata headroom must not be negative: " + metadataHeadroomBytes);
        }
        if (metadataCacheBytes <= 0 || commitIntervalMillis <= 0 || maxBatchKeys <= 0 || readThreads <= 0) {
            throw new IllegalArgumentException("cache, interval, batch size and read threads must be positive");
        }
        if (softThresholdPercent < 1 || softThresholdPercent > 100) {
            throw new IllegalArgumentException("soft threshold must be 1..100 percent: " + softThresholdPercent);
        }
    }

    public PoolConfig withSoftThresholdPercent(int percent) {
        return new PoolConfig(allocator, metadataCacheBytes, commitIntervalMillis, maxBatchKeys, percent, readThreads,
                mapCacheBytes, dedupCacheBytes, metadataHeadroomBytes, writeBackBytes);
    }

    public PoolConfig withCommitIntervalMillis(long millis) {
        return new PoolConfig(allocator, metadataCacheBytes, millis, maxBatchKeys, softThresholdPercent, readThreads,
                mapCacheBytes, dedupCacheBytes, metadataHeadroomBytes, writeBackBytes);
    }

    public PoolConfig withMapCacheBytes(long bytes) {
        return new PoolConfig(allocator, metadataCacheBytes, commitIntervalMillis, maxBatchKeys, softThresholdPercent,
                readThreads, bytes, dedupCacheBytes, metadataHeadroomBytes, writeBackBytes);
    }

    public PoolConfig withDedupCacheBytes(long bytes) {
        return new PoolConfig(allocator, metadataCacheBytes, commitIntervalMillis, maxBatchKeys, softThresholdPercent,
                readThreads, mapCacheBytes, bytes, metadataHeadroomBytes, writeBackBytes);
    }

    public PoolConfig withMetadataHeadroomBytes(long bytes) {
        return new PoolConfig(allocator, metadataCacheBytes, commitIntervalMillis, maxBatchKeys, softThresholdPercent,
                readThreads, mapCacheBytes, dedupCacheBytes, bytes, writeBackBytes);
    }

    public PoolConfig withWriteBackBytes(long bytes) {
        return new PoolConfig(allocator, metadataCacheBytes, commitIntervalMillis, maxBatchKeys, softThresholdPercent,
                readThreads, mapCacheBytes, dedupCacheBytes, metadataHeadroomBytes, bytes);
    }

    /** The headroom for a pool of {@code deviceBytes}: as configured, or min(1 GiB, 2% of it). */
    public long metadataHeadroom(long deviceBytes) {
        return metadataHeadroomBytes != AUTO ? metadataHeadroomBytes : Math.min(1L << 30, deviceBytes / 50);
    }
}
