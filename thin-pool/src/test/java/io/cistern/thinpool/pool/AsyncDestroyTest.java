package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.CrashingDevice;
import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import io.cistern.thinpool.meta.Keys;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Destroy of a large volume (issue 5): the name goes at once, the space is freed in slices between
 * other operations with progress reported, and a crash in the middle leaves a pool whose next open
 * resumes the freeing.
 */
class AsyncDestroyTest {
    private static final int BIG_BLOCKS = 128 * Destroyer.SLICE; // 128 MiB of 4 KiB blocks

    @Test
    void nameGoesAtOnceAndSpaceIsFreedInSlicesWithProgress() throws Exception {
        try (Pool pool = TestPools.memory(384 * MiB)) {
            Volume other = pool.createVolume("other", VolumeSpec.sparse(4 * MiB));
            other.write(0, TestPools.random(1, 4096), true).join();
            long usedBefore = pool.properties().used();
            fill(pool.createVolume("big", VolumeSpec.sparse(256 * MiB)), BIG_BLOCKS);
            pool.snapshot("big", "s");
            pool.volume("big").write(0, TestPools.random(2, 4096), true).join(); // one version kept for the snapshot

            List<Double> shares = new CopyOnWriteArrayList<>();
            Freeing freeing = pool.destroy("big", true, shares::add);

            assertEquals((BIG_BLOCKS + 1) * 4096L, freeing.bytes());
            assertEquals(List.of("other"), pool.list());
            assertThrows(PoolException.class, () -> pool.volume("big"));
            other.write(4096, TestPools.random(3, 4096), false).join(); // I/O goes on between slices
            assertFalse(freeing.done().isDone(), "a write waited for the whole destroy");
            assertTrue(pool.properties().freeing() > 0);

            freeing.done().get(30, TimeUnit.SECONDS);
            assertEquals(0, pool.properties().freeing());
            assertEquals(usedBefore + 4096, pool.properties().used()); // only other's second block is new
            assertTrue(shares.size() >= BIG_BLOCKS / Destroyer.SLICE, "progress after each slice: " + shares.size());
            for (int i = 1; i < shares.size(); i++) {
                assertTrue(shares.get(i) >= shares.get(i - 1), "progress went back: " + shares);
            }
            assertEquals(1.0, shares.get(shares.size() - 1));
            assertTrue(pool.check().clean(), pool.check().problems().toString());
            pool.createVolume("big", VolumeSpec.sparse(4 * MiB)); // the name is free again
        }
    }

    @Test
    void nothingToFreeCompletesAtOnce() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            pool.createVolume("v", VolumeSpec.sparse(4 * MiB));
            Freeing f = pool.destroy("v", false, share -> { });
            assertEquals(0, f.bytes());
            f.done().get(10, TimeUnit.SECONDS);
            assertTrue(pool.check().clean());
        }
    }

    @Test
    void aCrashWhileFreeingIsResumedAtOpen() throws Exception {
        MemoryDevice disk = new MemoryDevice(384 * MiB);
        CrashingDevice device = new CrashingDevice(disk);
        CrashingStore store = new CrashingStore(new MemoryKeyValueStore(), device);
        PoolConfig config = PoolConfig.defaults().withCommitIntervalMillis(1);
        Pool pool = Pool.create("crash", device, store, config);
        Volume keep = pool.createVolume("keep", VolumeSpec.sparse(4 * MiB));
        ByteBuffer kept = TestPools.random(7, 64 * 1024);
        keep.write(0, kept.duplicate(), true).join();
        long usedBefore = pool.properties().used();
        fill(pool.createVolume("big", VolumeSpec.sparse(256 * MiB)), BIG_BLOCKS);
        long mapKeys = mapKeys(store.durable());

        CompletableFuture<Void> destroyed = new CompletableFuture<>();
        CompletableFuture<Double> cut = new CompletableFuture<>();
        Freeing freeing = pool.destroy("big", false, share -> {
            if (destroyed.isDone() && share < 1 && !cut.isDone()) {
                device.crash(); // power cut between two slices: the next commit fails
                cut.complete(share);
            }
        });
        destroyed.complete(null);
        assertTrue(cut.get(30, TimeUnit.SECONDS) < 1);
        assertThrows(Exception.class, () -> freeing.done().get(30, TimeUnit.SECONDS));
        pool.close();

        long left = mapKeys(store.durable());
        assertTrue(left > 16 && left < mapKeys, "crashed mid-freeing: " + left + " of " + mapKeys + " map keys left");
        try (Pool reopened = Pool.open("crash", new CrashingDevice(disk), store.durable().copy(), config)) {
            assertEquals(List.of("keep"), reopened.list());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (reopened.properties().freeing() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, reopened.properties().freeing(), "the freeing resumed and ended");
            reopened.flush().join();
            assertEquals(usedBefore, reopened.properties().used());
            assertTrue(reopened.check().clean(), reopened.check().problems().toString());
            assertArrayEquals(TestPools.bytes(kept), TestPools.bytes(reopened.volume("keep").read(0, 64 * 1024).join()));
        }
    }

    /**
     * Writes {@code blocks} distinct 4 KiB blocks from the start, a block per write, even blocks
     * first: one map record per block, as random writes leave it (sequential writes would make runs
     * of 256 blocks, which free too fast for a slice to be seen).
     */
    private static void fill(Volume v, int blocks) {
        List<CompletableFuture<Void>> wave = new java.util.ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int b = pass; b < blocks; b += 2) {
                wave.add(v.write(b * 4096L, TestPools.random(100 + b, 4096), false));
                if (wave.size() == 1024) {
                    wave.forEach(CompletableFuture::join);
                    wave.clear();
                }
            }
        }
        wave.forEach(CompletableFuture::join);
        v.flush().join();
    }

    private static long mapKeys(KeyValueStore store) {
        long n = 0;
        try (KeyValueStore.Cursor c = store.scan(new byte[] {Keys.MAP}, Keys.end(Keys.MAP))) {
            while (c.next()) {
                n++;
            }
        }
        return n;
    }
}
