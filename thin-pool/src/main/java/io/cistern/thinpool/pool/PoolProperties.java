package io.cistern.thinpool.pool;

import io.cistern.thinpool.dedup.DedupStats;
import io.cistern.thinpool.kv.KeyValueStore;

/**
 * A pool's space and health at one moment (bytes unless noted).
 *
 * @param size                data area of the device
 * @param capacity            what datasets may be charged: size less the slop kept for frees in flight
 * @param used                charged to datasets (data, snapshots, reservations)
 * @param available           capacity - used: what a sparse volume may still write
 * @param allocated           device bytes holding data (less than used while reservations are unfilled)
 * @param fragmentation       0..1, from the allocator
 * @param metadataCacheHitRate share of metadata lookups served from the bounded cache
 * @param commits             metadata commits since open (each shared by every write before it)
 * @param mapCacheHitRate     share of block-map lookups served from the in-heap map cache
 * @param mapCacheEntries     block-map entries in that cache now (each about {@code MapCache.ENTRY_BYTES})
 * @param metadataMemory      the metadata store's native memory now, by use
 * @param dedupRatio          {@code zpool list}'s DEDUP: over the blocks in the dedup table, their
 *                            stored bytes once per map entry pointing at them divided by their stored
 *                            bytes once (1.0 without deduped data); the saving shows in {@code allocated}
 * @param dedup               the dedup table as {@code zpool status -D} reports it, and its cache
 * @param freeing             bytes destroyed datasets still hold while their space is freed in the
 *                            background ({@code zpool get freeing}); part of {@code used} until freed
 */
public record PoolProperties(long size, long capacity, long used, long available, long allocated,
        double fragmentation, double metadataCacheHitRate, long metadataCacheBytes, long commits,
        double mapCacheHitRate, long mapCacheEntries, KeyValueStore.MemoryUsage metadataMemory,
        double dedupRatio, DedupStats dedup, long freeing) {
}
