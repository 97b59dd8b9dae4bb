package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A device that cannot punch (a preallocated pool file, a file system without holes) declines the
 * first punch; the pool asks no more, keeps its free space backed and trims none of it.
 */
class NoPunchDeviceTest {

    static final class NoPunchDevice extends MemoryDevice {
        final AtomicInteger punchesAsked = new AtomicInteger();

        NoPunchDevice(long size) {
            super(size);
        }

        @Override
        public boolean punchHole(long offset, long length) {
            punchesAsked.incrementAndGet();
            return false;
        }
    }

    @Test
    void theFirstRefusedPunchIsTheLast() throws Exception {
        NoPunchDevice device = new NoPunchDevice(256 * MiB);
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        PoolConfig config = PoolConfig.defaults().withCommitIntervalMillis(20); // backed space held 0.6 s
        try (Pool pool = Pool.create("p", device, store, config)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(128 * MiB));
            for (int i = 0; i < 4; i++) {
                v.write(0, random(i, (int) (40 * MiB)), true).join(); // 120 MiB freed: past the backed floor
                v.flush().join();
            }
            for (int i = 0; i < 4; i++) {
                v.unmap(i * 8 * MiB, 4 * MiB).join(); // four runs, released apart
                v.flush().join();
            }
            Thread.sleep(Engine.BACKED_FREE_HOLD_INTERVALS * config.commitIntervalMillis() + 100);
            for (int i = 0; i < 3; i++) {
                v.flush().join(); // commits after the hold, where backed free space would be trimmed
            }
            v.write(0, random(9, (int) (4 * MiB)), true).join(); // reuses what the unmaps freed
            assertArrayEquals(bytes(random(9, (int) (4 * MiB))), bytes(v.read(0, (int) (4 * MiB)).join()));
            assertArrayEquals(bytes(random(3, (int) (40 * MiB)).position((int) (12 * MiB)).limit((int) (16 * MiB))),
                    bytes(v.read(12 * MiB, (int) (4 * MiB)).join()));
            assertArrayEquals(new byte[(int) (4 * MiB)], bytes(v.read(8 * MiB, (int) (4 * MiB)).join()));
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
        assertEquals(1, device.punchesAsked.get(), "punches asked of a device that declined the first");
        try (Pool pool = Pool.open("p", device, store.copy(), config)) {
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }
}
