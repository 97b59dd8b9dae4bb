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
 */
public record PoolConfig(String allocator, long metadataCacheBytes, long commitIntervalMillis, int maxBatchKeys,
        int softThresholdPercent, int readThreads, long mapCacheBytes) {

    public static PoolConfig defaults() {
        return new PoolConfig(ExtentAllocator.NAME, 64L << 20, 1000, 1 << 16, 80, 2, 64L << 20);
    }

    public PoolConfig {
        if (mapCacheBytes < 0) {
            throw new IllegalArgumentException("map cache must not be negative: " + mapCacheBytes);
        }
        if (metadataCacheBytes <= 0 || commitIntervalMillis <= 0 || maxBatchKeys <= 0 || readThreads <= 0) {
            throw new IllegalArgumentException("cache, interval, batch size and read threads must be positive");
        }
        if (softThresholdPercent < 1 || softThresholdPercent > 100) {
            throw new IllegalArgumentException("soft threshold must be 1..100 percent: " + softThresholdPercent);
        }
    }

    public PoolConfig withSoftThresholdPercent(int percent) {
        return new PoolConfig(allocator, metadataCacheBytes, commitIntervalMillis, maxBatchKeys, percent, readThreads, mapCacheBytes);
    }

    public PoolConfig withCommitIntervalMillis(long millis) {
        return new PoolConfig(allocator, metadataCacheBytes, millis, maxBatchKeys, softThresholdPercent, readThreads, mapCacheBytes);
    }

    public PoolConfig withMapCacheBytes(long bytes) {
        return new PoolConfig(allocator, metadataCacheBytes, commitIntervalMillis, maxBatchKeys, softThresholdPercent, readThreads, bytes);
    }
}
