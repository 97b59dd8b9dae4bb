package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.PoolIoTest.assertKind;
import static io.cistern.thinpool.pool.TestPools.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 001's volume walkthrough at the pool API: a 1 GiB pool, a 400M volume, 100M written, a
 * snapshot, 300M more, the first 100M rewritten; then the same for a sparse volume, and a snapshot
 * refused because its re-reservation does not fit. Every step checks the relations of the seed's
 * {@code zfs list -o space,refer,written} tables, with our exact byte counts.
 */
class SeedRefreservationTest {
    private static final long GiB = 1L << 30;
    private Pool pool;
    private long capacity;

    @BeforeEach
    void open() throws Exception {
        pool = Pool.create("test", new DiscardDevice(GiB), new MemoryKeyValueStore(), PoolConfig.defaults());
        capacity = pool.properties().capacity();
        assertEquals(capacity, pool.properties().available());
    }

    @AfterEach
    void close() throws Exception {
        CheckReport check = pool.check();
        assertTrue(check.clean(), check.problems()::toString);
        pool.close();
    }

    @Test
    void reservedVolumeReReservesAtEachSnapshot() {
        Volume vol = pool.createVolume("volume", VolumeSpec.reserved(400 * MiB));
        long refres = 400 * MiB + 1200 * 4096; // volsize + 48 bytes of metadata per 4K block
        VolumeProperties p = relations("volume");
        assertEquals(refres, p.refreservation());
        assertEquals(refres, p.used());
        assertEquals(refres, p.usedbyrefreservation());
        assertEquals(0, p.referenced());
        assertEquals(capacity, p.available());              // seed: AVAIL 880M, as the pool's before
        assertEquals(capacity - refres, poolAvailable());   // seed: pool AVAIL 880M -> 465M

        fill(vol, 0, 100);                                  // dd bs=1M count=100
        p = relations("volume");
        assertEquals(100 * MiB, p.referenced());
        assertEquals(100 * MiB, p.written());
        assertEquals(refres - 100 * MiB, p.usedbyrefreservation()); // seed: 414M -> 313M
        assertEquals(refres, p.used());                     // USED unchanged
        assertEquals(capacity - refres, poolAvailable());   // the pool does not notice
        assertEquals(capacity - 100 * MiB, p.available());  // seed: 880M -> 779M

        pool.snapshot("volume", "test");
        p = relations("volume");
        assertEquals(0, p.written());                       // the snapshot took the written data
        assertEquals(100 * MiB, p.referenced());
        assertEquals(refres, p.usedbyrefreservation());     // re-reserved in full: 414M
        assertEquals(refres + 100 * MiB, p.used());         // seed: USED 414M -> 516M
        assertEquals(capacity - refres - 100 * MiB, poolAvailable()); // seed: pool 465M -> 364M
        VolumeProperties snap = pool.properties("volume@test");
        assertEquals(0, snap.used());
        assertEquals(100 * MiB, snap.referenced());
        assertEquals(100 * MiB, snap.written());

        fill(vol, 100, 300);                                // dd seek=100 count=300
        p = relations("volume");
        assertEquals(300 * MiB, p.written());
        assertEquals(400 * MiB, p.referenced());
        assertEquals(refres - 300 * MiB, p.usedbyrefreservation()); // seed: 111M
        assertEquals(0, p.usedbysnapshots());
        assertEquals(refres + 100 * MiB, p.used());         // USED still 516M
        assertEquals(capacity - refres - 100 * MiB, poolAvailable());

        fill(vol, 0, 100);                                  // rewrite the first 100M
        p = relations("volume");
        assertEquals(400 * MiB, p.written());
        assertEquals(400 * MiB, p.referenced());
        assertEquals(400 * MiB, p.usedbydataset());
        assertEquals(100 * MiB, p.usedbysnapshots());       // seed: USEDSNAP 101M
        assertEquals(refres - 400 * MiB, p.usedbyrefreservation()); // seed: 10.5M, the metadata margin
        assertEquals(refres + 100 * MiB, p.used());         // USED still 516M
        assertEquals(100 * MiB, pool.properties("volume@test").used()); // seed: snapshot USED 101M
        assertEquals(capacity - refres - 100 * MiB, poolAvailable());
    }

    @Test
    void snapshotIsRefusedWhenItsReReservationDoesNotFit() {
        Volume vol = pool.createVolume("volume", VolumeSpec.reserved(400 * MiB));
        fill(vol, 0, 400);
        pool.snapshot("volume", "test");
        pool.destroy("volume@test", false);                 // seed: after destroy, WRITTEN = REFER again
        VolumeProperties p = relations("volume");
        assertEquals(400 * MiB, p.written());
        Volume filler = pool.createVolume("filler", VolumeSpec.sparse(GiB));
        fill(filler, 0, (int) ((poolAvailable() - 300 * MiB) / MiB));
        long before = poolAvailable();
        assertTrue(before < 400 * MiB);
        assertKind(PoolException.Kind.OUT_OF_SPACE, () -> pool.snapshot("volume", "test")); // "out of space"
        assertFalse(pool.list().contains("volume@test"));
        assertEquals(before, poolAvailable());
        VolumeProperties after = relations("volume");
        assertEquals(p.used(), after.used());
        assertEquals(p.written(), after.written());
        assertEquals(p.usedbyrefreservation(), after.usedbyrefreservation());
        fill(vol, 0, 400);                                  // the volume keeps its guarantee meanwhile
        pool.destroy("filler", false);
        pool.snapshot("volume", "test");                    // fits once space is freed
        assertEquals(400 * MiB + (p.refreservation()), relations("volume").used());
    }

    @Test
    void sparseVolumeIsChargedWhatItHolds() {
        Volume vol = pool.createVolume("volume", VolumeSpec.sparse(400 * MiB));
        VolumeProperties p = relations("volume");
        assertEquals(0, p.refreservation());
        assertEquals(0, p.used());
        fill(vol, 0, 100);
        assertEquals(100 * MiB, relations("volume").used());
        assertEquals(capacity - 100 * MiB, poolAvailable());
        pool.snapshot("volume", "test");                    // costs nothing without a reservation
        assertEquals(100 * MiB, relations("volume").used());
        fill(vol, 100, 300);
        assertEquals(400 * MiB, relations("volume").used());
        fill(vol, 0, 100);
        p = relations("volume");
        assertEquals(500 * MiB, p.used());
        assertEquals(100 * MiB, p.usedbysnapshots());
        assertEquals(400 * MiB, p.written());
        assertEquals(capacity - 500 * MiB, poolAvailable());
        assertEquals(poolAvailable(), p.available());
    }

    @Test
    void sparseWritesFailWhenThePoolIsFullAndResumeWhenSpaceIsFreed() {
        Volume reserved = pool.createVolume("reserved", VolumeSpec.reserved(200 * MiB));
        Volume thin = pool.createVolume("thin", VolumeSpec.sparse(GiB));
        int fits = (int) (poolAvailable() / MiB);
        fill(thin, 0, fits);
        assertKind(PoolException.Kind.OUT_OF_SPACE, () -> fill(thin, fits, 1));
        // reads go on (of unwritten blocks: this device discards data, so written ones fail their checksum)
        assertEquals(MiB, thin.read((long) (fits + 1) * MiB, (int) MiB).join().remaining());
        fill(reserved, 0, 200);                             // reserved volumes keep their guarantee
        thin.unmap(0, 10 * MiB).join();
        fill(thin, fits, 1);                                // writing resumes once space is freed
    }

    /** Checks the relations every row of the seed's tables obeys, and returns the properties. */
    private VolumeProperties relations(String name) {
        VolumeProperties p = pool.properties(name);
        assertEquals(p.used(), p.usedbydataset() + p.usedbysnapshots() + p.usedbyrefreservation() + p.usedbychildren());
        assertEquals(Math.max(0, p.refreservation() - p.written()), p.usedbyrefreservation());
        assertEquals(poolAvailable() + p.usedbyrefreservation(), p.available());
        assertTrue(p.written() <= p.referenced());
        return p;
    }

    private long poolAvailable() {
        return pool.properties().available();
    }

    /** Writes {@code count} MiB of non-zero data from MiB {@code at}, like dd bs=1M. */
    private static void fill(Volume v, int at, int count) {
        ByteBuffer mib = TestPools.random(at, (int) MiB);
        for (int i = 0; i < count; i++) {
            v.write((long) (at + i) * MiB, mib, false).join();
        }
    }
}
