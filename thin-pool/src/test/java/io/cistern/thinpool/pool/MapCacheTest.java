package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The map cache must never change an answer: the same random history of writes, unmaps, snapshots,
 * clones, rollbacks and destroys runs on a pool without the cache, one whose cache holds a few
 * entries (constant eviction) and one whose cache holds everything, and every dataset reads and
 * reports its LBA status the same in all three after each step.
 */
class MapCacheTest {
    private static final int B = 4096;
    private static final int BLOCKS = 64;

    @Test
    void cachedAndUncachedPoolsReadTheSameThroughSnapshotsClonesAndRollbacks() throws Exception {
        long seed = 20261121;
        Random rnd = new Random(seed);
        List<Pool> pools = new ArrayList<>();
        for (long cache : new long[] {0, 8 * MapCache.ENTRY_BYTES, 64 * MiB}) {
            pools.add(Pool.create("p", new MemoryDevice(64 * MiB), new MemoryKeyValueStore(),
                    PoolConfig.defaults().withMapCacheBytes(cache).withCommitIntervalMillis(1)));
        }
        List<String> heads = new ArrayList<>(List.of("v"));
        List<String> snaps = new ArrayList<>();
        pools.forEach(p -> p.createVolume("v", VolumeSpec.sparse(BLOCKS * B)));
        try {
            for (int s = 0; s < 400; s++) {
                int step = s;
                int op = rnd.nextInt(20);
                String head = heads.get(rnd.nextInt(heads.size()));
                long at = rnd.nextInt(BLOCKS) * (long) B;
                int n = 1 + rnd.nextInt((int) Math.min(8, BLOCKS - at / B));
                long dataSeed = rnd.nextLong();
                if (op < 12) {
                    pools.forEach(p -> p.volume(head).write(at, random(dataSeed, n * B), false).join());
                } else if (op < 14) {
                    pools.forEach(p -> p.volume(head).unmap(at, (long) n * B).join());
                } else if (op < 16) {
                    String snap = head + "@s" + step;
                    pools.forEach(p -> p.snapshot(head, "s" + step));
                    snaps.add(snap);
                } else if (op < 17 && !snaps.isEmpty()) {
                    String snap = snaps.get(rnd.nextInt(snaps.size()));
                    pools.forEach(p -> p.clone(snap, "c" + step, true));
                    heads.add("c" + step);
                } else if (op < 18 && !snaps.isEmpty()) {
                    String snap = snaps.get(snaps.size() - 1);
                    String owner = snap.substring(0, snap.indexOf('@'));
                    if (latestOf(snaps, owner).equals(snap)) {
                        pools.forEach(p -> p.rollback(snap));
                    }
                } else if (op < 19 && !snaps.isEmpty()) {
                    String snap = snaps.get(rnd.nextInt(snaps.size()));
                    if (pools.get(0).list().stream().noneMatch(d -> isCloneOf(pools.get(0), d, snap))) {
                        pools.forEach(p -> p.destroy(snap, false));
                        snaps.remove(snap);
                    }
                } else {
                    pools.forEach(p -> p.flush().join());
                }
                for (String ds : pools.get(0).list()) {
                    byte[] expected = bytes(pools.get(0).volume(ds).read(0, BLOCKS * B).join());
                    for (Pool p : pools.subList(1, pools.size())) {
                        assertArrayEquals(expected, bytes(p.volume(ds).read(0, BLOCKS * B).join()),
                                "dataset " + ds + " after step " + step + " (seed " + seed + ")");
                        assertEquals(statuses(pools.get(0).volume(ds)), statuses(p.volume(ds)),
                                "status of " + ds + " after step " + step);
                        long block = rnd.nextInt(BLOCKS);
                        assertArrayEquals(bytes(pools.get(0).volume(ds).read(block * B, B).join()),
                                bytes(p.volume(ds).read(block * B, B).join()), ds + " block " + block);
                    }
                }
            }
            assertEquals(0, pools.get(0).properties().mapCacheEntries());
            assertTrue(pools.get(1).properties().mapCacheEntries() <= 8);
            assertTrue(pools.get(2).properties().mapCacheHitRate() > 0.5, "hit rate " + pools.get(2).properties().mapCacheHitRate());
            for (Pool p : pools) {
                assertTrue(p.check().clean(), p.check().problems()::toString);
            }
        } finally {
            for (Pool p : pools) {
                p.close();
            }
        }
    }

    /**
     * The table itself against a plain map: across growth, CLOCK eviction and deletions that move
     * entries back along their probe runs, whatever the cache answers equals the model, an entry just
     * put is found, and the bound holds. Keys crowd few maps and blocks, so probe runs collide; with
     * a stride of 16 every block sits at the same offset of its run of 16 (the table places a run's
     * blocks side by side). A quarter of the steps take the block after the previous one, as range
     * lookups do. A cache larger than the keys must keep every one.
     */
    @Test
    void theTableAnswersLikeAPlainMapThroughGrowthAndEviction() {
        for (int[] c : new int[][] {{1, 1}, {8, 1}, {3000, 1}, {3000, 16}, {40_000, 1}, {40_000, 16}}) {
            int capacity = c[0];
            int stride = c[1];
            boolean holdsAll = capacity >= 3 * 12_008;
            MapCache cache = new MapCache((long) capacity * MapCache.ENTRY_BYTES);
            java.util.Map<List<Long>, List<BlockMap.Version>> model = new java.util.HashMap<>();
            Random rnd = new Random(capacity + stride);
            long mapId = 0;
            long block = 0;
            for (int step = 0; step < 200_000; step++) {
                if (rnd.nextInt(4) == 0) {
                    block++; // the next block of the same map: the lookup tries the slot after the last one found
                } else {
                    mapId = rnd.nextInt(3);
                    block = (long) rnd.nextInt(Math.min(4 * capacity + 8, 12_008)) * stride;
                }
                List<Long> key = List.of(mapId, block);
                int op = rnd.nextInt(10);
                if (op < 3) {
                    List<BlockMap.Version> vs = new ArrayList<>();
                    for (int i = rnd.nextInt(4); i > 0; i--) {
                        vs.add(version(rnd, 100L * i + rnd.nextInt(50)));
                    }
                    cache.put(mapId, block, vs.toArray(BlockMap.Version[]::new));
                    model.put(key, vs);
                    assertEquals(vs, List.of(cache.get(mapId, block)), "just put " + key);
                } else if (op < 6 && model.containsKey(key)) {
                    List<BlockMap.Version> vs = model.get(key);
                    BlockMap.Version v = version(rnd, vs.isEmpty() || rnd.nextBoolean() ? 100L * rnd.nextInt(5)
                            : vs.get(rnd.nextInt(vs.size())).birth());
                    cache.added(mapId, block, v);
                    vs.removeIf(x -> x.birth() == v.birth());
                    vs.add(v);
                    vs.sort((a, b) -> Long.compare(b.birth(), a.birth()));
                } else if (op < 8 && model.containsKey(key) && !model.get(key).isEmpty()) {
                    List<BlockMap.Version> vs = model.get(key);
                    long birth = vs.get(rnd.nextInt(vs.size())).birth();
                    cache.removed(mapId, block, birth);
                    vs.removeIf(x -> x.birth() == birth);
                } else {
                    byte newest = cache.newest(mapId, block);
                    BlockMap.Version[] got = cache.get(mapId, block);
                    assertEquals(got == null ? MapCache.UNCACHED : got.length == 0 ? MapCache.UNWRITTEN
                            : got[0].mapping().hole() ? MapCache.HOLE : MapCache.DATA, newest, "newest of " + key);
                    if (holdsAll && model.containsKey(key)) {
                        assertTrue(got != null, "lost " + key + " at step " + step);
                    }
                    if (got != null) {
                        assertEquals(model.get(key), List.of(got), "cached " + key + " at step " + step);
                    }
                }
                assertTrue(cache.size() <= capacity, cache.size() + " entries in a cache of " + capacity);
            }
            assertTrue(cache.size() == Math.min(capacity, model.size()), "size " + cache.size());
        }
    }

    /** The volume's GET LBA STATUS answers from its first block to its end. */
    private static List<Volume.Status> statuses(Volume v) {
        List<Volume.Status> out = new ArrayList<>();
        for (long at = 0; at < BLOCKS * B; ) {
            Volume.Status st = v.status(at).join();
            out.add(st);
            at = st.offset() + st.length();
        }
        return out;
    }

    private static BlockMap.Version version(Random rnd, long birth) {
        io.cistern.thinpool.meta.Mapping m = rnd.nextBoolean()
                ? new io.cistern.thinpool.meta.Mapping(rnd.nextLong() >>> 1, rnd.nextInt(4097), rnd.nextInt())
                : new io.cistern.thinpool.meta.Mapping(rnd.nextLong() >>> 1, 1 + rnd.nextInt(4000), rnd.nextInt(),
                        rnd.nextInt(0x10000), 1 + rnd.nextInt(255), io.cistern.thinpool.compress.Codec.ZSTD);
        return new BlockMap.Version(birth, m, rnd.nextBoolean());
    }

    private static String latestOf(List<String> snaps, String owner) {
        String latest = "";
        for (String s : snaps) {
            if (s.startsWith(owner + "@")) {
                latest = s;
            }
        }
        return latest;
    }

    private static boolean isCloneOf(Pool pool, String dataset, String snap) {
        return !dataset.contains("@") && !dataset.equals("v") && pool.properties(dataset).origin().equals(snap);
    }
}
