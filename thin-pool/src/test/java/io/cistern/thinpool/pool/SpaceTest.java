package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.PoolIoTest.assertKind;
import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import io.cistern.thinpool.meta.Keys;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SpaceTest {

    @Test
    void softThresholdNotifiesOncePerUpwardCrossing() throws Exception {
        PoolConfig config = PoolConfig.defaults().withSoftThresholdPercent(50);
        try (Pool pool = Pool.create("p", new MemoryDevice(64 * MiB), new MemoryKeyValueStore(), config)) {
            Semaphore hits = new Semaphore(0);
            pool.onSoftThreshold(hits::release);
            Volume v = pool.createVolume("v", VolumeSpec.sparse(64 * MiB));
            long half = pool.properties().capacity() / 2;
            v.write(0, random(1, (int) (half - MiB)), false).join();
            assertEquals(0, hits.availablePermits());
            v.write(half - MiB, random(2, (int) (2 * MiB)), false).join();    // crosses upwards
            v.write(half + MiB, random(3, (int) MiB), false).join();          // still above: no repeat
            assertTrue(hits.tryAcquire(5, TimeUnit.SECONDS));
            v.unmap(0, 8 * MiB).join();                                        // back below
            v.write(0, random(4, (int) (8 * MiB)), false).join();             // crosses again
            assertTrue(hits.tryAcquire(5, TimeUnit.SECONDS));
            Thread.sleep(50);
            assertEquals(0, hits.availablePermits());
        }
    }

    @Test
    void badArgumentsAreRefusedClearly() throws Exception {
        try (Pool pool = TestPools.memory(16 * MiB)) {
            assertKind(PoolException.Kind.INVALID_ARGUMENT, () -> pool.createVolume("v", VolumeSpec.sparse(MiB + 1)));
            assertKind(PoolException.Kind.INVALID_ARGUMENT, () -> pool.createVolume("v", VolumeSpec.sparse(MiB).withVolblocksize(2048)));
            assertKind(PoolException.Kind.INVALID_ARGUMENT, () -> pool.createVolume("bad/name", VolumeSpec.sparse(MiB)));
            assertKind(PoolException.Kind.OUT_OF_SPACE, () -> pool.createVolume("big", VolumeSpec.reserved(16 * MiB)));
            assertKind(PoolException.Kind.NOT_FOUND, () -> pool.volume("nope"));
            pool.createVolume("v", VolumeSpec.sparse(MiB));
            assertKind(PoolException.Kind.ALREADY_EXISTS, () -> pool.createVolume("v", VolumeSpec.sparse(MiB)));
            assertKind(PoolException.Kind.INVALID_ARGUMENT, () -> pool.rollback("v"));
            assertEquals(java.util.List.of("v"), pool.list()); // nothing half-made
        }
    }

    @Test
    void metadataStaysUnderFortyEightBytesPerMappedBlock() throws Exception {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        try (Pool pool = Pool.create("p", new MemoryDevice(64 * MiB), store, PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(32 * MiB));
            int blocks = 4096;
            v.write(0, random(1, blocks * 4096), true).join();
            long bytes = store.bytesUnder(Keys.MAP) + store.bytesUnder(Keys.DEAD) + store.bytesUnder(Keys.FREE);
            double perBlock = (double) bytes / blocks;
            System.out.printf("metadata per mapped block: %.2f bytes%n", perBlock);
            assertTrue(perBlock <= 48, perBlock + " bytes per block");
        }
    }

    @Test
    void cacheHitRateIsReported() throws Exception {
        try (Pool pool = TestPools.memory(16 * MiB)) {
            pool.createVolume("v", VolumeSpec.sparse(MiB)).write(0, random(1, 4096), false).join();
            PoolProperties p = pool.properties();
            assertTrue(p.metadataCacheHitRate() >= 0 && p.metadataCacheHitRate() <= 1);
            assertTrue(p.allocated() >= 4096);
            assertTrue(p.fragmentation() >= 0);
        }
    }
}
