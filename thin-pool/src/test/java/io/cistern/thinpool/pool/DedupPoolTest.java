package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import io.cistern.thinpool.dedup.DedupStats;
import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dedup through the pool: across volumes, verify, switching, snapshots and clones, reopen, accounting. */
class DedupPoolTest {
    private static final int BS = 4096;
    private static final int BLOCKS = 256;

    @TempDir
    Path dir;

    private static VolumeSpec spec(Dedup dedup, Compression compression) {
        return VolumeSpec.sparse(4 * MiB).withCompression(compression).withDedup(dedup);
    }

    private static void assertClean(Pool pool) {
        CheckReport check = pool.check();
        assertTrue(check.clean(), check.problems().toString());
    }

    @Test
    void identicalDataInTwoVolumesIsStoredOnce() throws Exception {
        for (Dedup mode : new Dedup[] {Dedup.ON, Dedup.VERIFY}) {
            try (Pool pool = TestPools.memory(64 * MiB)) {
                long empty = pool.properties().allocated();
                ByteBuffer data = random(1, BLOCKS * BS);
                Volume a = pool.createVolume("a", spec(mode, Compression.OFF));
                Volume b = pool.createVolume("b", spec(mode, Compression.OFF));
                a.write(0, data.duplicate(), false).join();
                long one = pool.properties().allocated() - empty;
                assertEquals((long) BLOCKS * BS, one);
                b.write(0, data.duplicate(), true).join();
                PoolProperties p = pool.properties();
                assertEquals(one, p.allocated() - empty, mode + ": the second copy allocates nothing");
                assertEquals(2.0, p.dedupRatio(), 1e-9);
                assertEquals(BLOCKS, p.dedup().entries());
                // each volume is charged its blocks in full, as ZFS charges datasets
                assertEquals((long) BLOCKS * BS, pool.properties("a").used());
                assertEquals((long) BLOCKS * BS, pool.properties("b").used());
                assertArrayEquals(bytes(data), bytes(a.read(0, BLOCKS * BS).join()));
                assertArrayEquals(bytes(data), bytes(b.read(0, BLOCKS * BS).join()));
                assertClean(pool);
                // overwriting one copy frees nothing; overwriting the other frees it and its entries
                a.write(0, random(2, BLOCKS * BS), true).join();
                assertEquals(2 * one, pool.properties().allocated() - empty);
                b.unmap(0, BLOCKS * BS).join();
                pool.flush().join();
                pool.flush().join();
                p = pool.properties();
                assertEquals(one, p.allocated() - empty);
                assertEquals(BLOCKS, p.dedup().entries(), "only a's new blocks are entered now");
                assertEquals(1.0, p.dedupRatio(), 1e-9);
                assertClean(pool);
            }
        }
    }

    @Test
    void sharedBlocksNeedNoSpaceAndFreeNoneUntilTheirLastOwnerGoes() throws Exception {
        try (Pool pool = TestPools.memory(16 * MiB)) {
            ByteBuffer data = random(4, (int) (9 * MiB));
            Volume a = pool.createVolume("a", VolumeSpec.sparse(10 * MiB).withCompression(Compression.OFF).withDedup(Dedup.ON));
            Volume b = pool.createVolume("b", VolumeSpec.sparse(10 * MiB).withCompression(Compression.OFF).withDedup(Dedup.ON));
            a.write(0, data.duplicate(), false).join();
            long available = pool.properties().available();
            assertTrue(available < 9 * MiB, "the pool could not hold the data twice: " + available);
            b.write(0, data.duplicate(), true).join(); // fits: nothing to allocate
            assertEquals(available, pool.properties().available());
            // b's old blocks are a's too: overwriting them frees nothing, so 9 MiB of new data does not fit
            PoolException e = assertThrows(PoolException.class, () -> join(b.write(0, random(5, (int) (9 * MiB)), true)));
            assertEquals(PoolException.Kind.OUT_OF_SPACE, e.kind());
            assertArrayEquals(bytes(data), bytes(b.read(0, (int) (9 * MiB)).join()), "refused before any change");
            a.write(0, data.duplicate(), true).join(); // rewriting what a block holds: shared again, never freed
            assertEquals(available, pool.properties().available());
            assertArrayEquals(bytes(data), bytes(a.read(0, (int) (9 * MiB)).join()));
            assertClean(pool);
        }
    }

    private static void join(java.util.concurrent.CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void duplicatesInsideOneWriteShareToo() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            long empty = pool.properties().allocated();
            Volume v = pool.createVolume("v", spec(Dedup.VERIFY, Compression.LZ4));
            ByteBuffer data = ByteBuffer.allocate(64 * BS);
            byte[] one = bytes(random(5, BS));
            for (int i = 0; i < 64; i++) {
                data.put(one);
            }
            v.write(0, data.flip(), true).join();
            PoolProperties p = pool.properties();
            assertEquals(BS, p.allocated() - empty, "64 equal blocks take one (random: stored raw)");
            assertEquals(1, p.dedup().entries());
            assertEquals(64.0, p.dedupRatio(), 1e-9);
            assertArrayEquals(bytes(data), bytes(v.read(0, 64 * BS).join()));
            assertClean(pool);
        }
    }

    @Test
    void verifyDoesNotShareOnAHashCollision() throws Exception {
        byte[] constant = new byte[32];
        try (Pool pool = Pool.create("c", new MemoryDevice(64 * MiB), new MemoryKeyValueStore(), PoolConfig.defaults(),
                block -> constant.clone())) { // every block collides
            long empty = pool.properties().allocated();
            Volume v = pool.createVolume("v", spec(Dedup.VERIFY, Compression.OFF));
            ByteBuffer data = random(7, 32 * BS);
            v.write(0, data.duplicate(), false).join(); // colliding blocks within one write
            v.write(32 * BS, random(8, 32 * BS), false).join(); // and against the table
            assertEquals(64L * BS, pool.properties().allocated() - empty, "no block shared a different one");
            assertEquals(1, pool.properties().dedup().entries(), "a collision keeps the first entry");
            v.write(64 * BS, data.duplicate().limit(BS), true).join(); // the entry's own bytes: shared
            assertEquals(64L * BS, pool.properties().allocated() - empty);
            assertArrayEquals(bytes(data), bytes(v.read(0, 32 * BS).join()));
            assertArrayEquals(bytes(random(8, 32 * BS)), bytes(v.read(32 * BS, 32 * BS).join()));
            assertArrayEquals(bytes(data.duplicate().limit(BS)), bytes(v.read(64 * BS, BS).join()));
            assertClean(pool);
        }
    }

    @Test
    void switchingDedupOnAndOffMidway() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            long empty = pool.properties().allocated();
            ByteBuffer data = random(3, 16 * BS);
            Volume a = pool.createVolume("a", spec(Dedup.OFF, Compression.OFF));
            Volume b = pool.createVolume("b", spec(Dedup.OFF, Compression.OFF));
            a.write(0, data.duplicate(), false).join();
            b.write(0, data.duplicate(), false).join();
            assertEquals(32L * BS, pool.properties().allocated() - empty, "dedup off: stored twice");
            assertEquals(0, pool.properties().dedup().entries());
            pool.setDedup("a", Dedup.ON);
            a.write(16 * BS, data.duplicate(), false).join(); // not shared with blocks written with dedup off
            assertEquals(48L * BS, pool.properties().allocated() - empty);
            assertEquals(16, pool.properties().dedup().entries());
            b.write(32 * BS, data.duplicate(), false).join(); // b is still off: neither shares nor enters
            assertEquals(64L * BS, pool.properties().allocated() - empty);
            pool.setDedup("b", Dedup.VERIFY);
            b.write(48 * BS, data.duplicate(), false).join(); // shares a's entries
            assertEquals(64L * BS, pool.properties().allocated() - empty);
            assertEquals(2.0, pool.properties().dedupRatio(), 1e-9);
            pool.setDedup("a", Dedup.OFF);
            a.write(48 * BS, data.duplicate(), true).join();
            assertEquals(80L * BS, pool.properties().allocated() - empty);
            for (Volume v : new Volume[] {a, b}) {
                for (int at : new int[] {0, 16, 32, 48}) {
                    if (v == b && at == 16 || v == a && at == 32) {
                        continue;
                    }
                    assertArrayEquals(bytes(data), bytes(v.read((long) at * BS, 16 * BS).join()), v.name() + " " + at);
                }
            }
            assertClean(pool);
        }
    }

    @Test
    void compressionAndDedupTogether() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            long empty = pool.properties().allocated();
            ByteBuffer data = CompressionPoolTest.mixed(11, BLOCKS);
            Volume a = pool.createVolume("a", spec(Dedup.ON, Compression.LZ4));
            Volume z = pool.createVolume("z", spec(Dedup.VERIFY, Compression.parse("zstd")));
            a.write(0, data.duplicate(), false).join();
            long one = pool.properties().allocated() - empty;
            assertTrue(one < BLOCKS * BS * 6L / 10, "compressed: " + one);
            z.write(0, data.duplicate(), false).join(); // shares lz4 fragments: the hash is of the logical bytes
            PoolProperties p = pool.properties();
            assertEquals(one, p.allocated() - empty);
            assertEquals(2.0, p.dedupRatio(), 1e-9);
            assertEquals(pool.properties("a").used(), pool.properties("z").used());
            assertTrue(pool.properties("a").compressratio() > 1.5, "compressratio " + pool.properties("a").compressratio());
            assertArrayEquals(bytes(data), bytes(z.read(0, BLOCKS * BS).join()));
            assertArrayEquals(bytes(data), bytes(a.read(0, BLOCKS * BS).join()));
            assertClean(pool);
        }
    }

    /**
     * Random writes of few distinct blocks over two deduping volumes, with snapshots, clones, copies,
     * rollback, unmap and destroy between; after each step the reads equal a model and the
     * consistency check (which checks the table against maps and counts) is clean.
     */
    @Test
    void snapshotsClonesRollbackUnmapAndDestroyKeepTheTableExact() throws Exception {
        Path meta = dir.resolve("meta");
        Path file = dir.resolve("p.img");
        Random rnd = new Random(42);
        int blocks = 64;
        int[][] model = new int[2][blocks];
        int[] snap = null;
        long empty;
        try (Pool pool = Pool.createOnFile(file, 64 * MiB, false, meta, PoolConfig.defaults())) {
            empty = pool.properties().allocated();
            Volume[] vols = {pool.createVolume("a", VolumeSpec.sparse((long) blocks * BS).withDedup(Dedup.VERIFY)),
                    pool.createVolume("b", VolumeSpec.sparse((long) blocks * BS).withDedup(Dedup.ON))};
            for (int step = 0; step < 200; step++) {
                int v = rnd.nextInt(2);
                int block = rnd.nextInt(blocks - 4);
                int n = 1 + rnd.nextInt(4);
                int kind = rnd.nextInt(20);
                if (kind < 13) {
                    ByteBuffer data = ByteBuffer.allocate(n * BS);
                    for (int i = 0; i < n; i++) {
                        int seed = rnd.nextInt(6); // 0 is zeros; 5 kinds of blocks, compressible or not
                        model[v][block + i] = seed;
                        data.put(content(seed));
                    }
                    vols[v].write((long) block * BS, data.flip(), rnd.nextBoolean()).join();
                } else if (kind < 15) {
                    vols[v].unmap((long) block * BS, (long) n * BS).join();
                    java.util.Arrays.fill(model[v], block, block + n, 0);
                } else if (kind < 16 && snap == null) {
                    pool.snapshot("a", "s");
                    snap = model[0].clone();
                } else if (kind < 17 && snap != null) {
                    pool.rollback("a@s");
                    model[0] = snap.clone();
                } else if (kind < 18 && snap != null) {
                    pool.clone("a@s", "c" + step, true).write(0, ByteBuffer.wrap(content(1)), false).join();
                    pool.copy("b", "k" + step, true);
                } else if (kind < 19) {
                    pool.destroy("a", true); // snapshots and clones with it
                    vols[0] = pool.createVolume("a", VolumeSpec.sparse((long) blocks * BS).withDedup(Dedup.VERIFY));
                    model[0] = new int[blocks];
                    snap = null;
                } else {
                    pool.setCompression(vols[v].name(), rnd.nextBoolean() ? Compression.OFF : Compression.LZ4);
                }
                if (step % 20 == 19) {
                    for (int k = 0; k < 2; k++) {
                        assertEquals(java.util.Arrays.toString(model[k]), java.util.Arrays.toString(seeds(vols[k], blocks)),
                                "step " + step + " " + vols[k].name());
                    }
                    assertClean(pool);
                }
            }
            assertTrue(pool.properties().dedupRatio() > 1.5, "ratio " + pool.properties().dedupRatio());
            assertTrue(pool.properties().dedup().entries() <= 10, "5 kinds of block, raw or lz4: "
                    + pool.properties().dedup().entries());
        }
        DedupStats before;
        try (Pool pool = Pool.openDevice(file, meta, PoolConfig.defaults())) {
            before = pool.properties().dedup();
            assertClean(pool);
            assertEquals(java.util.Arrays.toString(model[1]), java.util.Arrays.toString(seeds(pool.volume("b"), blocks)));
            for (String name : pool.list()) {
                if (!name.contains("@")) {
                    pool.destroy(name, true);
                }
            }
            pool.flush().join();
            pool.flush().join();
            PoolProperties p = pool.properties();
            assertEquals(empty, p.allocated(), "everything freed");
            assertEquals(0, p.dedup().entries());
            assertEquals(1.0, p.dedupRatio(), 1e-9);
            assertClean(pool);
        }
        assertTrue(before.entries() > 0);
    }

    @Test
    void aReopenedPoolHasTheSameTableAndKeepsSharing() throws Exception {
        Path meta = dir.resolve("meta");
        Path file = dir.resolve("p.img");
        ByteBuffer data = CompressionPoolTest.mixed(21, BLOCKS);
        DedupStats before;
        long alloc;
        try (Pool pool = Pool.createOnFile(file, 64 * MiB, false, meta, PoolConfig.defaults())) {
            pool.createVolume("a", spec(Dedup.VERIFY, Compression.LZ4)).write(0, data.duplicate(), false).join();
            before = pool.properties().dedup();
            alloc = pool.properties().allocated();
        }
        try (Pool pool = Pool.openDevice(file, meta, PoolConfig.defaults())) {
            DedupStats after = pool.properties().dedup();
            assertEquals(before.entries(), after.entries());
            assertEquals(before.allocatedBytes(), after.allocatedBytes());
            assertEquals(before.referencedBytes(), after.referencedBytes());
            assertEquals(0, after.cachedEntries(), "the cache starts empty");
            Volume b = pool.createVolume("b", spec(Dedup.ON, Compression.LZ4));
            b.write(0, data.duplicate(), true).join();
            assertEquals(alloc, pool.properties().allocated(), "shares the table read back from the store");
            assertEquals(2.0, pool.properties().dedupRatio(), 1e-9);
            assertArrayEquals(bytes(data), bytes(b.read(0, BLOCKS * BS).join()));
            assertClean(pool);
        }
    }

    @Test
    void theCacheStaysWithinItsCap() throws Exception {
        PoolConfig config = PoolConfig.defaults().withDedupCacheBytes(64 * 1024);
        try (Pool pool = Pool.create("c", new MemoryDevice(64 * MiB), new MemoryKeyValueStore(), config)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(16 * MiB).withCompression(Compression.OFF).withDedup(Dedup.ON));
            assertEquals(0, pool.properties().dedup().cacheBytes(), "allocated at first use");
            v.write(0, random(9, 2048 * BS), false).join();
            v.write(8 * MiB, random(9, 2048 * BS), false).join(); // every block found, most in the store
            DedupStats s = pool.properties().dedup();
            assertEquals(2048, s.entries());
            assertTrue(s.cacheBytes() <= 64 * 1024, s.toString());
            assertTrue(s.cachedEntries() < 2048, s.toString());
            assertTrue(s.misses() > 0 && s.hits() + s.misses() >= 4096, s.toString());
            assertEquals(2.0, pool.properties().dedupRatio(), 1e-9);
            assertClean(pool);
        }
    }

    /** The seeds of each block, recovered from the bytes. */
    private static int[] seeds(Volume v, int blocks) {
        ByteBuffer all = v.read(0, blocks * BS).join();
        int[] seeds = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            int seed = all.getInt(i * BS);
            assertArrayEquals(content(seed), java.util.Arrays.copyOfRange(all.array(), all.arrayOffset() + i * BS,
                    all.arrayOffset() + (i + 1) * BS), "block " + i);
            seeds[i] = seed;
        }
        return seeds;
    }

    /** A block whose first int is its seed; 0 is zeros; odd seeds compress. */
    private static byte[] content(int seed) {
        ByteBuffer b = ByteBuffer.allocate(BS);
        if (seed != 0) {
            Random r = new Random(seed);
            b.putInt(seed);
            int noise = seed % 2 != 0 ? BS / 4 : BS;
            while (b.position() < noise) {
                b.put((byte) r.nextInt());
            }
            while (b.hasRemaining()) {
                b.put((byte) (seed + b.position() % 61));
            }
        }
        return b.array();
    }
}
