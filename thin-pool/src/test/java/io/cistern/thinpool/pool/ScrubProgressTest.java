package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ScrubProgressTest {

    @Test
    void progressRisesSliceBySliceToOne() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(32 * MiB));
            v.write(0, random(1, 5000 * 4096), true).join(); // two slices of 4096 versions
            List<Double> seen = new CopyOnWriteArrayList<>();
            ScrubReport report = pool.scrub(seen::add).join();
            assertEquals(5000, report.blocks());
            assertEquals(2, seen.size(), seen::toString);
            assertEquals(4096.0 / 5000, seen.get(0), 0.01); // bytes read over bytes allocated
            assertEquals(1.0, seen.get(1));
        }
    }

    @Test
    void anEmptyPoolIsDoneAtOnce() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            List<Double> seen = new CopyOnWriteArrayList<>();
            assertTrue(pool.scrub(seen::add).join().clean());
            assertEquals(List.of(1.0), seen);
        }
    }
}
