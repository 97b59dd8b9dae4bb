package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.PoolIoTest.assertKind;
import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import io.cistern.thinpool.meta.DeadRecord;
import io.cistern.thinpool.meta.Keys;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCloneTest {
    private static final int B = 4096;
    private Pool pool;
    private Volume vol;

    @BeforeEach
    void open() throws Exception {
        pool = TestPools.memory(64 * MiB);
        vol = pool.createVolume("vm", VolumeSpec.sparse(MiB));
    }

    @AfterEach
    void close() throws Exception {
        CheckReport check = pool.check();
        assertTrue(check.clean(), check.problems()::toString);
        pool.close();
    }

    @Test
    void snapshotsKeepTheirContentWhileTheVolumeChanges() {
        ByteBuffer a = random(1, 4 * B);
        vol.write(0, a, false).join();
        Volume s1 = pool.snapshot("vm", "s1");
        ByteBuffer b = random(2, 2 * B);
        vol.write(B, b, false).join();
        vol.unmap(3 * B, B).join();
        Volume s2 = pool.snapshot("vm", "s2");
        vol.write(0, random(3, 4 * B), false).join();

        assertArrayEquals(bytes(a), bytes(s1.read(0, 4 * B).join()));
        byte[] expected2 = bytes(a);
        System.arraycopy(bytes(b), 0, expected2, B, 2 * B);
        java.util.Arrays.fill(expected2, 3 * B, 4 * B, (byte) 0);
        assertArrayEquals(expected2, bytes(s2.read(0, 4 * B).join()));
        assertTrue(s1.readOnly());
        assertKind(PoolException.Kind.READ_ONLY, () -> s1.write(0, random(4, B), false).join());
        assertFalse(s2.status(3 * B).join().mapped());

        // s1 alone holds blocks 1..3 of a; s2 alone holds b; block 0 of a is shared by both.
        assertEquals(3 * B, pool.properties("vm@s1").used());
        assertEquals(2 * B, pool.properties("vm@s2").used());
        assertEquals(6 * B, pool.properties("vm").usedbysnapshots());
        pool.destroy("vm@s1", false);
        assertEquals(3 * B, pool.properties("vm@s2").used()); // block 0 of a is now s2's alone
        assertEquals(3 * B, pool.properties("vm").usedbysnapshots());
        assertArrayEquals(expected2, bytes(s2.read(0, 4 * B).join()));
    }

    @Test
    void destroyingASnapshotKeepsTheDeadEntriesAnEarlierOneStillSees() {
        vol.write(0, random(1, 4 * B), false).join(); // blocks 0..3, born before s1
        Volume s1 = pool.snapshot("vm", "s1");
        vol.write(4 * B, random(2, 4 * B), false).join(); // blocks 4..7, born between s1 and s2
        pool.snapshot("vm", "s2");
        vol.write(0, random(3, 8 * B), false).join(); // kills all eight in one batch: one dead-list record
        assertEquals(0, pool.properties("vm@s1").used()); // blocks 0..3 are s2's too
        assertEquals(4 * B, pool.properties("vm@s2").used());
        pool.destroy("vm@s2", false); // frees blocks 4..7 and keeps 0..3 on the dead list, for s1
        assertEquals(4 * B, pool.properties("vm@s1").used());
        assertEquals(4 * B, pool.properties("vm").usedbysnapshots());
        assertArrayEquals(bytes(random(1, 4 * B)), bytes(s1.read(0, 4 * B).join()));
        pool.rollback("vm@s1");
        assertArrayEquals(bytes(random(1, 4 * B)), bytes(vol.read(0, 4 * B).join()));
        assertArrayEquals(new byte[4 * B], bytes(vol.read(4 * B, 4 * B).join()));
        assertEquals(0, pool.properties("vm").usedbysnapshots());
    }

    /** Pools written before dead-list records hold one key per entry with an empty value: still read. */
    @Test
    void deadListsOfOneKeyPerEntryStillWork() throws Exception {
        MemoryDevice device = new MemoryDevice(64 * MiB);
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        try (Pool p = Pool.create("old", device, store, PoolConfig.defaults())) {
            Volume v = p.createVolume("v", VolumeSpec.sparse(MiB));
            v.write(0, random(1, 4 * B), false).join();
            p.snapshot("v", "s1");
            v.write(4 * B, random(2, 4 * B), false).join();
            p.snapshot("v", "s2");
            v.write(0, random(3, 8 * B), false).join();
            p.flush().join();
        }
        MemoryKeyValueStore reopened = store.copy(); // as a restarted process finds it
        Batch split = new Batch();
        try (KeyValueStore.Cursor c = reopened.scan(new byte[] {Keys.DEAD}, Keys.end(Keys.DEAD))) {
            assertTrue(c.next());
            DeadRecord r = DeadRecord.decode(c.key(), c.value());
            assertEquals(8, r.size()); // one record for the batch's kills
            split.delete(c.key());
            assertFalse(c.next());
            for (int i = 0; i < r.size(); i++) {
                split.put(Keys.dead(r.mapId(), r.killGen(), r.block(i), r.birth(i)), new byte[0]);
            }
        }
        reopened.write(split, true);
        try (Pool p = Pool.open("old", device, reopened, PoolConfig.defaults())) {
            assertTrue(p.check().clean());
            assertEquals(4 * B, p.properties("v@s2").used());
            p.destroy("v@s2", false);
            assertEquals(4 * B, p.properties("v@s1").used());
            assertArrayEquals(bytes(random(1, 4 * B)), bytes(p.volume("v@s1").read(0, 4 * B).join()));
            CheckReport check = p.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    @Test
    void snapshotCreationCostsNothingAndWritesStayInPlace() {
        vol.write(0, random(1, 64 * B), false).join();
        long before = pool.properties().allocated();
        pool.snapshot("vm", "s");
        assertEquals(before, pool.properties().allocated());
        assertEquals(64 * B, pool.properties("vm@s").referenced());
    }

    @Test
    void rollbackReturnsToTheLatestSnapshotAndFreesWhatCameAfter() {
        ByteBuffer a = random(1, 4 * B);
        vol.write(0, a, false).join();
        pool.snapshot("vm", "old");
        vol.write(0, random(2, B), false).join();
        pool.snapshot("vm", "s");
        vol.write(0, random(3, 8 * B), false).join();
        vol.unmap(B, B).join();
        assertKind(PoolException.Kind.BUSY, () -> pool.rollback("vm@old"));
        pool.rollback("vm@s");
        byte[] expected = bytes(a);
        System.arraycopy(bytes(random(2, B)), 0, expected, 0, B);
        assertArrayEquals(expected, bytes(vol.read(0, 4 * B).join()));
        assertArrayEquals(new byte[4 * B], bytes(vol.read(4 * B, 4 * B).join()));
        VolumeProperties p = pool.properties("vm");
        assertEquals(0, p.written());
        assertEquals(4 * B, p.referenced());
        assertEquals(4 * B, p.usedbydataset());
        assertEquals(B, p.usedbysnapshots());
        vol.flush().join(); // freed space returns to the allocator at the commit
        assertEquals(5 * B, pool.properties().allocated()); // 4 live blocks, 1 kept for vm@old
    }

    @Test
    void rollbackRestoresVolsizeAndTheReservationFollows() {
        Volume thick = pool.createVolume("thick", VolumeSpec.reserved(MiB));
        thick.write(0, random(1, B), false).join();
        pool.snapshot("thick", "small");
        pool.setVolsize("thick", 2 * MiB);
        thick.write(2 * MiB - B, random(2, B), false).join();
        pool.rollback("thick@small");
        assertEquals(MiB, thick.volsize());
        VolumeProperties p = pool.properties("thick");
        assertEquals(MiB + 3 * 4096, p.refreservation()); // 256 blocks * 48 bytes, in whole units
        assertEquals(p.refreservation(), p.usedbyrefreservation());
        assertArrayEquals(bytes(random(1, B)), bytes(thick.read(0, B).join()));
    }

    @Test
    void clonesAreWritableAndShareTheirOrigin() {
        ByteBuffer golden = random(1, 16 * B);
        vol.write(0, golden, false).join();
        pool.snapshot("vm", "golden");
        Volume c1 = pool.clone("vm@golden", "vm1", true);
        Volume c2 = pool.clone("vm@golden", "vm2", true);
        assertArrayEquals(bytes(golden), bytes(c1.read(0, 16 * B).join()));
        ByteBuffer mine = random(2, B);
        c1.write(5 * B, mine, false).join();
        c2.unmap(0, 2 * B).join();
        vol.write(0, random(3, 16 * B), false).join(); // the origin volume moves on
        byte[] expected1 = bytes(golden);
        System.arraycopy(bytes(mine), 0, expected1, 5 * B, B);
        assertArrayEquals(expected1, bytes(c1.read(0, 16 * B).join()));
        byte[] expected2 = bytes(golden);
        java.util.Arrays.fill(expected2, 0, 2 * B, (byte) 0);
        assertArrayEquals(expected2, bytes(c2.read(0, 16 * B).join()));
        assertFalse(c2.status(0).join().mapped());
        assertEquals(new Volume.Status(2 * B, 14 * B, true), c2.status(2 * B).join()); // seen through the origin
        assertEquals(new Volume.Status(16 * B, MiB - 16 * B, false), c2.status(16 * B).join());

        VolumeProperties p1 = pool.properties("vm1");
        assertEquals(B, p1.used());                   // only its own block
        assertEquals(16 * B, p1.referenced());
        assertEquals("vm@golden", p1.origin());
        assertEquals(14 * B, pool.properties("vm2").referenced());
        assertEquals(0, pool.properties("vm2").used());

        assertKind(PoolException.Kind.BUSY, () -> pool.destroy("vm@golden", false));
        assertKind(PoolException.Kind.BUSY, () -> pool.destroy("vm", false));
        pool.destroy("vm1", false);
        pool.destroy("vm", true);                      // takes vm@golden and vm2 with it
        assertEquals(List.of(), pool.list());
        assertEquals(0, pool.properties().allocated());
    }

    @Test
    void copiesShareExtentsByReferenceAndOutliveTheirSource() {
        ByteBuffer data = random(1, 16 * B);
        vol.write(0, data, false).join();
        pool.snapshot("vm", "s");
        vol.write(0, random(2, B), false).join();
        vol.flush().join();
        PoolProperties before = pool.properties();
        Volume copy = pool.copy("vm@s", "indep", true);
        assertArrayEquals(bytes(data), bytes(copy.read(0, 16 * B).join()));
        assertEquals(before.allocated(), pool.properties().allocated()); // nothing copied
        assertEquals(before.available(), pool.properties().available());
        VolumeProperties p = pool.properties("indep");
        assertEquals(16 * B, p.referenced());
        assertEquals(16 * B, p.used());
        assertEquals("", p.origin());

        copy.write(B, random(3, B), false).join();              // a shared block is not freed
        assertEquals(before.available() - B, pool.properties().available());
        assertArrayEquals(bytes(data), bytes(pool.volume("vm@s").read(0, 16 * B).join()));
        pool.destroy("vm", true);
        byte[] expected = bytes(data);
        System.arraycopy(bytes(random(3, B)), 0, expected, B, B);
        assertArrayEquals(expected, bytes(copy.read(0, 16 * B).join()));
        assertEquals(16 * B, pool.properties().allocated());
        pool.destroy("indep", false);
        assertEquals(0, pool.properties().allocated());
    }

    @Test
    void aLargeVolumeIsDestroyedInSlicesAndItsNameFreedAtOnce() throws Exception {
        try (Pool big = Pool.create("big", new DiscardDevice(1L << 30), new io.cistern.thinpool.kv.MemoryKeyValueStore(),
                PoolConfig.defaults())) {
            Volume doomed = big.createVolume("doomed", VolumeSpec.sparse(512 * MiB));
            ByteBuffer mib = random(1, (int) MiB);
            for (int i = 0; i < 300; i++) { // 76800 blocks: more than one slice of 65536 keys
                doomed.write(i * MiB, mib, false).join();
            }
            big.snapshot("doomed", "s");
            doomed.write(0, mib, false).join();
            big.destroy("doomed", true);
            assertKind(PoolException.Kind.NOT_FOUND, () -> doomed.write(0, mib, false).join());
            assertEquals(List.of(), big.list());
            big.createVolume("doomed", VolumeSpec.sparse(MiB)); // the name is free again
            assertEquals(0, big.properties().allocated());
            CheckReport check = big.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    @Test
    void renameCarriesSnapshotsAlong() {
        vol.write(0, random(1, B), false).join();
        pool.snapshot("vm", "s");
        pool.rename("vm", "web");
        assertEquals(List.of("web", "web@s"), pool.list());
        assertEquals("web", vol.name());
        pool.rename("web@s", "web@monday");
        assertKind(PoolException.Kind.INVALID_ARGUMENT, () -> pool.rename("web@monday", "other@x"));
        pool.createVolume("db", VolumeSpec.sparse(MiB));
        assertKind(PoolException.Kind.ALREADY_EXISTS, () -> pool.rename("web", "db"));
        assertArrayEquals(bytes(random(1, B)), bytes(pool.volume("web@monday").read(0, B).join()));
    }

    @Test
    void volsizeGrowsAndShrinksOnline() {
        vol.write(MiB - B, random(1, B), false).join();
        pool.setVolsize("vm", 2 * MiB);
        assertEquals(2 * MiB, vol.volsize());
        vol.write(2 * MiB - B, random(2, B), false).join();
        pool.setVolsize("vm", MiB / 2);
        assertEquals(0, pool.properties("vm").referenced());
        pool.setVolsize("vm", MiB);
        assertArrayEquals(new byte[B], bytes(vol.read(MiB - B, B).join()));
        Volume thick = pool.createVolume("thick", VolumeSpec.reserved(MiB));
        pool.setVolsize("thick", 2 * MiB);
        assertEquals(2 * MiB + 6 * 4096, pool.properties("thick").refreservation()); // 512 blocks * 48 bytes
        assertKind(PoolException.Kind.OUT_OF_SPACE, () -> pool.setVolsize("thick", 1024 * MiB));
        assertEquals(2 * MiB, thick.volsize());
    }

    @Test
    void clonesOfAReadOnlyBaseImage(@TempDir Path dir) throws Exception {
        Path image = dir.resolve("base.img");
        byte[] base = bytes(random(9, 10 * B + 100));
        Files.write(image, base);
        Volume c = pool.cloneImage(image, "fromimage", B);
        assertEquals(11 * B, c.volsize());
        byte[] expected = java.util.Arrays.copyOf(base, 11 * B);
        assertArrayEquals(expected, bytes(c.read(0, 11 * B).join()));
        ByteBuffer mine = random(3, B);
        c.write(2 * B, mine, false).join();
        c.unmap(4 * B, B).join();
        System.arraycopy(bytes(mine), 0, expected, 2 * B, B);
        java.util.Arrays.fill(expected, 4 * B, 5 * B, (byte) 0);
        assertArrayEquals(expected, bytes(c.read(0, 11 * B).join()));
        assertArrayEquals(base, Files.readAllBytes(image)); // the image is never written
        assertEquals(B, pool.properties("fromimage").used());
        assertEquals(image.toAbsolutePath().toString(), pool.properties("fromimage").origin());
    }
}
