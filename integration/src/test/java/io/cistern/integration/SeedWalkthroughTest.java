package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.pool.CheckReport;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolException;
import io.cistern.thinpool.pool.VolumeProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001's volume walkthrough (ZFS refreservation, {@code zfs list -o space,refer,written}) replayed
 * through iSCSI: a 1 GiB file pool served by the daemon, a 400M volume as a LUN, the data written by
 * qemu-io over {@code iscsi://}, snapshots and properties through {@link Pool}. Every step checks the
 * relations the seed's tables obey and prints a zfs-list-like table. The pool-level twin is
 * thin-pool's {@code SeedRefreservationTest}; here the same numbers must come out when the writes
 * arrive as SCSI commands, split and queued as an initiator sends them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SeedWalkthroughTest {
    private static final long MiB = 1L << 20;
    private static final String VOL = "test/volume";

    @TempDir
    Path tmp;
    private PoolTarget target;
    private Pool pool;
    private long capacity;

    private void start(boolean sparse, String... more) throws Exception {
        StringBuilder volumes = new StringBuilder("volume { size = 400M, sparse = " + sparse + ", compression = off }");
        for (String m : more) {
            volumes.append(", ").append(m);
        }
        target = PoolTarget.start(tmp, "test { file = \"test.pool\", size = 1G, volumes { " + volumes + " } }",
                more.length == 0 ? List.of(VOL) : List.of(VOL, "test/filler"));
        pool = target.pool("test");
        capacity = pool.properties().capacity();
    }

    @AfterEach
    void stop() {
        if (target != null) {
            CheckReport check = pool.check();
            target.close();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    @Test
    void reservedVolumeReReservesAtEachSnapshot() throws Exception {
        start(false);
        long refres = 400 * MiB + 1200 * 4096; // volsize + 48 bytes of metadata per 4K block
        VolumeProperties p = step("zfs create -V 400M test/volume");
        assertEquals(refres, p.refreservation());
        assertEquals(refres, p.used());
        assertEquals(refres, p.usedbyrefreservation());
        assertEquals(0, p.referenced());
        assertEquals(capacity, p.available());                    // seed: AVAIL 880M, the pool's before
        assertEquals(capacity - refres, poolAvailable());         // seed: pool AVAIL 880M -> 465M

        write(VOL, 0x11, 0, 100);                                 // dd bs=1M count=100
        p = step("dd bs=1M count=100 (qemu-io over iSCSI)");
        assertEquals(100 * MiB, p.referenced());
        assertEquals(100 * MiB, p.written());
        assertEquals(refres - 100 * MiB, p.usedbyrefreservation()); // seed: 414M -> 313M
        assertEquals(refres, p.used());                           // USED unchanged
        assertEquals(capacity - refres, poolAvailable());         // the pool does not notice
        assertEquals(capacity - 100 * MiB, p.available());        // seed: 880M -> 779M

        pool.snapshot("volume", "test");
        p = step("zfs snapshot test/volume@test");
        assertEquals(0, p.written());                             // the snapshot took the written data
        assertEquals(100 * MiB, p.referenced());
        assertEquals(refres, p.usedbyrefreservation());           // re-reserved in full: 414M
        assertEquals(refres + 100 * MiB, p.used());               // seed: USED 414M -> 516M
        assertEquals(capacity - refres - 100 * MiB, poolAvailable()); // seed: pool 465M -> 364M
        VolumeProperties snap = pool.properties("volume@test");
        assertEquals(0, snap.used());
        assertEquals(100 * MiB, snap.referenced());
        assertEquals(100 * MiB, snap.written());

        write(VOL, 0x22, 100, 300);                               // dd seek=100 count=300
        p = step("dd bs=1M seek=100 count=300");
        assertEquals(300 * MiB, p.written());
        assertEquals(400 * MiB, p.referenced());
        assertEquals(refres - 300 * MiB, p.usedbyrefreservation()); // seed: 111M
        assertEquals(0, p.usedbysnapshots());
        assertEquals(refres + 100 * MiB, p.used());               // USED still 516M
        assertEquals(capacity - refres - 100 * MiB, poolAvailable());

        write(VOL, 0x33, 0, 100);                                 // rewrite the first 100M
        p = step("dd bs=1M count=100 (rewrite)");
        assertEquals(400 * MiB, p.written());
        assertEquals(400 * MiB, p.referenced());
        assertEquals(400 * MiB, p.usedbydataset());
        assertEquals(100 * MiB, p.usedbysnapshots());             // seed: USEDSNAP 101M
        assertEquals(refres - 400 * MiB, p.usedbyrefreservation()); // seed: 10.5M, the metadata margin
        assertEquals(refres + 100 * MiB, p.used());               // USED still 516M
        assertEquals(100 * MiB, pool.properties("volume@test").used()); // seed: snapshot USED 101M
        assertEquals(capacity - refres - 100 * MiB, poolAvailable());

        // What the initiator reads is what it wrote last, and the snapshot kept the first version.
        verify(VOL, 0x33, 0, 100);
        verify(VOL, 0x22, 100, 300);

        // A daemon restart changes none of it: the accounting is what the metadata says.
        VolumeProperties volBefore = pool.properties("volume");
        VolumeProperties snapBefore = pool.properties("volume@test");
        long availBefore = poolAvailable();
        target.restart();
        pool = target.pool("test");
        p = step("daemon restarted");
        assertEquals(volBefore, p);
        assertEquals(snapBefore, pool.properties("volume@test"));
        assertEquals(availBefore, poolAvailable());
        verify(VOL, 0x33, 0, 100);
    }

    @Test
    void sparseVolumeIsChargedWhatItHolds() throws Exception {
        start(true);
        VolumeProperties p = step("zfs create -s -V 400M test/volume");
        assertEquals(0, p.refreservation());
        assertEquals(0, p.used());
        assertEquals(capacity, poolAvailable());

        write(VOL, 0x11, 0, 100);
        p = step("dd bs=1M count=100");
        assertEquals(100 * MiB, p.used());
        assertEquals(100 * MiB, p.written());
        assertEquals(capacity - 100 * MiB, poolAvailable());

        pool.snapshot("volume", "test");                          // costs nothing without a reservation
        p = step("zfs snapshot test/volume@test");
        assertEquals(100 * MiB, p.used());
        assertEquals(0, p.written());
        assertEquals(capacity - 100 * MiB, poolAvailable());

        write(VOL, 0x22, 100, 300);
        p = step("dd bs=1M seek=100 count=300");
        assertEquals(400 * MiB, p.used());
        assertEquals(300 * MiB, p.written());

        write(VOL, 0x33, 0, 100);
        p = step("dd bs=1M count=100 (rewrite)");
        assertEquals(500 * MiB, p.used());
        assertEquals(100 * MiB, p.usedbysnapshots());
        assertEquals(400 * MiB, p.usedbydataset());
        assertEquals(400 * MiB, p.written());
        assertEquals(400 * MiB, p.referenced());
        assertEquals(0, p.usedbyrefreservation());
        assertEquals(100 * MiB, pool.properties("volume@test").used());
        assertEquals(capacity - 500 * MiB, poolAvailable());
        assertEquals(poolAvailable(), p.available());
        verify(VOL, 0x33, 0, 100);
    }

    @Test
    void snapshotIsRefusedWhenItsReReservationDoesNotFit() throws Exception {
        start(false, "filler { size = 1G, sparse = true, compression = off }");
        write(VOL, 0x11, 0, 400);
        pool.snapshot("volume", "test");
        pool.destroy("volume@test", false);                       // seed: after destroy, WRITTEN = REFER again
        VolumeProperties p = step("dd count=400; zfs snapshot; zfs destroy test/volume@test");
        assertEquals(400 * MiB, p.written());
        assertEquals(400 * MiB, p.referenced());

        int fill = (int) ((poolAvailable() - 300 * MiB) / MiB);
        write("test/filler", 0x44, 0, fill);                      // a thin neighbour takes the free space
        long before = poolAvailable();
        step("filler: dd count=" + fill);
        assertTrue(before < p.refreservation(), "pool available " + before + " must be below the re-reservation");
        PoolException refused = assertThrows(PoolException.class, () -> pool.snapshot("volume", "test"));
        assertEquals(PoolException.Kind.OUT_OF_SPACE, refused.kind()); // seed: "cannot create snapshot: out of space"
        System.out.println("zfs snapshot test/volume@test -> " + refused.getMessage());
        assertFalse(pool.list().contains("volume@test"));
        VolumeProperties after = step("after the refused snapshot (nothing changed)");
        assertEquals(before, poolAvailable());
        assertEquals(p.used(), after.used());
        assertEquals(p.written(), after.written());
        assertEquals(p.usedbyrefreservation(), after.usedbyrefreservation());

        write(VOL, 0x55, 0, 400);                                 // the volume keeps its guarantee meanwhile
        step("dd count=400 again (the reservation holds)");
        verify(VOL, 0x55, 0, 400);
        pool.destroy("filler", false);
        pool.snapshot("volume", "test");                          // fits once space is freed
        p = step("zfs destroy test/filler; zfs snapshot test/volume@test");
        assertEquals(400 * MiB + p.refreservation(), p.used());
    }

    // ---- helpers ----

    /** {@code count} MiB of the byte {@code pattern} from MiB {@code at}, as one qemu-io write over iSCSI. */
    private void write(String volume, int pattern, int at, int count) throws Exception {
        Exec.Result r = Qemu.io(target.url(volume), List.of(
                String.format("write -P 0x%02x %dM %dM", pattern, at, count)));
        assertTrue(r.ok() && !r.output().contains("failed"), r::describe);
    }

    private void verify(String volume, int pattern, int at, int count) throws Exception {
        Exec.Result r = Qemu.io(target.url(volume), List.of(
                String.format("read -P 0x%02x %dM %dM", pattern, at, count)));
        assertTrue(r.ok() && !r.output().contains("failed") && !r.output().contains("Pattern verification"),
                r::describe);
    }

    /** Prints the step's table, checks the seed's relations on every volume row, returns the volume's. */
    private VolumeProperties step(String what) {
        System.out.println("# " + what);
        System.out.println(String.format("%-18s %9s %9s %9s %9s %13s %9s %9s %9s", "NAME", "AVAIL", "USED",
                "USEDSNAP", "USEDDS", "USEDREFRESERV", "USEDCHILD", "REFER", "WRITTEN"));
        var pp = pool.properties();
        System.out.println(String.format("%-18s %9s %9s %9s %9s %13s %9s %9s %9s", "test", m(pp.available()),
                m(pp.used()), "0", "0", "0", m(pp.used()), "0", "0"));
        for (String name : pool.list()) {
            VolumeProperties p = pool.properties(name);
            boolean snap = name.contains("@");
            System.out.println(String.format("%-18s %9s %9s %9s %9s %13s %9s %9s %9s", "test/" + name,
                    snap ? "-" : m(p.available()), m(p.used()), snap ? "-" : m(p.usedbysnapshots()),
                    snap ? "-" : m(p.usedbydataset()), snap ? "-" : m(p.usedbyrefreservation()),
                    snap ? "-" : m(p.usedbychildren()), m(p.referenced()), m(p.written())));
            if (!snap) {
                relations(p);
            }
        }
        return relations(pool.properties("volume"));
    }

    private VolumeProperties relations(VolumeProperties p) {
        assertEquals(p.used(), p.usedbydataset() + p.usedbysnapshots() + p.usedbyrefreservation() + p.usedbychildren(),
                p.name() + ": used = usedbydataset + usedbysnapshots + usedbyrefreservation + usedbychildren");
        assertEquals(Math.max(0, p.refreservation() - p.written()), p.usedbyrefreservation(),
                p.name() + ": usedbyrefreservation = max(0, refreservation - written)");
        assertEquals(poolAvailable() + p.usedbyrefreservation(), p.available(),
                p.name() + ": available = pool available + usedbyrefreservation");
        assertTrue(p.written() <= p.referenced(), p.name() + ": written <= referenced");
        return p;
    }

    private long poolAvailable() {
        return pool.properties().available();
    }

    private static String m(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        return bytes % MiB == 0 ? (bytes / MiB) + "M" : String.format(Locale.ROOT, "%.1fM", bytes / (double) MiB);
    }
}
