package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.PoolIoTest.assertKind;
import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file system under a file-backed pool fills up while the pool still has free space: a write
 * needing new space is refused as out of space, before anything changed, and the pool goes on.
 */
class NoRoomBelowTest {

    /** A memory device whose backing fails (as fallocate with ENOSPC) while {@code full}. */
    static final class FillingDevice extends MemoryDevice {
        volatile boolean full;
        long headroomAsked = -1;

        FillingDevice(long size) {
            super(size);
        }

        @Override
        public boolean back(long offset, long length, LongSupplier freeAfter, long headroom) {
            headroomAsked = headroom;
            return !full;
        }
    }

    @Test
    void writesNeedingSpaceFailReadsGoOnAndWritingResumes() throws Exception {
        FillingDevice device = new FillingDevice(32 * MiB);
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        ByteBuffer kept = random(1, 16 * 4096);
        try (Pool pool = Pool.create("p", device, store, PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(4 * MiB));
            Volume w = pool.createVolume("w", VolumeSpec.reserved(MiB));
            v.write(0, kept, true).join();
            w.write(0, random(2, 4096), true).join();
            assertEquals(32 * MiB / 50, device.headroomAsked, "2% of the pool by default");
            PoolProperties before = pool.properties();

            device.full = true;
            // FUA: a write held in memory (WriteBackTest) would only find out at the next flush
            assertKind(PoolException.Kind.OUT_OF_SPACE, () -> v.write(MiB, random(3, 8 * 4096), true).join());
            assertKind(PoolException.Kind.OUT_OF_SPACE, () -> v.write(0, random(4, 4096), true).join()); // overwrite
            assertKind(PoolException.Kind.OUT_OF_SPACE, () -> w.write(0, random(5, 4096), false).join()); // not held once refused
            assertEquals(before.allocated(), pool.properties().allocated(), "refused space went back to the allocator");
            assertEquals(before.available(), pool.properties().available());
            assertArrayEquals(bytes(kept), bytes(v.read(0, 16 * 4096).join()), "reads go on");
            v.write(15 * 4096, ByteBuffer.allocate(4096), true).join(); // zeros need no space; frees some
            v.flush().join();

            device.full = false;
            v.write(MiB, random(3, 8 * 4096), true).join();
            w.write(0, random(5, 4096), true).join();
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
        try (Pool pool = Pool.open("p", device, store.copy(), PoolConfig.defaults())) {
            Volume v = pool.volume("v");
            assertArrayEquals(bytes(kept.slice(0, 15 * 4096)), bytes(v.read(0, 15 * 4096).join()));
            assertArrayEquals(new byte[4096], bytes(v.read(15 * 4096, 4096).join()));
            assertArrayEquals(bytes(random(3, 8 * 4096)), bytes(v.read(MiB, 8 * 4096).join()));
            assertArrayEquals(bytes(random(5, 4096)), bytes(pool.volume("w").read(0, 4096).join()));
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    /** A real sparse file whose file system cannot keep the headroom asked for. */
    @Test
    void aFilePoolKeepsItsMetadataHeadroom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pool.img");
        long unreachable = Files.getFileStore(dir).getUsableSpace() + (1L << 40);
        try (Pool pool = Pool.createOnFile(file, 64 * MiB, false, dir.resolve("meta"),
                PoolConfig.defaults().withMetadataHeadroomBytes(unreachable))) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
            assertKind(PoolException.Kind.OUT_OF_SPACE, () -> v.write(0, random(1, 4096), true).join());
            assertArrayEquals(new byte[4096], bytes(v.read(0, 4096).join()));
        }
        try (Pool pool = Pool.openDevice(file, dir.resolve("meta"), PoolConfig.defaults())) {
            Volume v = pool.volume("v");
            v.write(0, random(1, 4096), true).join();
            assertArrayEquals(bytes(random(1, 4096)), bytes(v.read(0, 4096).join()));
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }
}
