package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.cli.format.NiceNum;
import io.cistern.thinpool.pool.CheckReport;
import io.cistern.thinpool.pool.Pool;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001's volume walkthrough (ZFS refreservation, {@code zfs list -o space,refer,written}) replayed
 * as an operator does it: the real CLI ({@code cistern create -V 400M}, {@code cistern set shareiscsi=on},
 * {@code cistern snapshot}, {@code cistern list -o space,refer,written -t all -r test}) against the daemon
 * serving a 1 GiB file pool, the data written by qemu-io over {@code iscsi://}. Every step prints the
 * table the seed prints, checks it is laid out as zfs lays it out, and checks the relations the seed's
 * tables obey on the exact numbers ({@code -Hp}). Volumes are made with compression=off: qemu-io's
 * patterns would compress to nothing, and the seed's numbers are uncompressed. The pool-level twin is
 * thin-pool's {@code SeedRefreservationTest}; here the same numbers must come out when the writes
 * arrive as SCSI commands, split and queued as an initiator sends them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SeedWalkthroughTest {
    private static final long MiB = 1L << 20;
    private static final String VOL = "test/volume";
    private static final String SPACE = "list -o space,refer,written -t all -r test";
    private static final List<String> SPACE_COLUMNS = List.of("NAME", "AVAIL", "USED", "USEDSNAP", "USEDDS",
            "USEDREFRESERV", "USEDCHILD", "REFER", "WRITTEN");

    /** One row of {@code cistern list -Hp -o space,refer,written,refreserv}: exact bytes, null for zfs's "-". */
    record Row(String name, Long available, long used, Long usedbysnapshots, Long usedbydataset,
               Long usedbyrefreservation, Long usedbychildren, long referenced, long written, long refreservation) {
    }

    @TempDir
    Path tmp;
    private PoolTarget target;
    private CisternCli cli;
    private Pool pool;
    private long capacity;
    /** The LUN of the share target each volume was exported as. */
    private final Map<String, Integer> luns = new LinkedHashMap<>();

    /** The pool, then {@code cistern create [-s] -V 400M -o compression=off test/volume} and its export. */
    private void start(boolean sparse) throws Exception {
        target = PoolTarget.startSharing(tmp, "test { file = \"test.pool\", size = 1G }");
        cli = target.cli();
        pool = target.pool("test");
        capacity = pool.properties().capacity();
        create(VOL, (sparse ? "-s " : "") + "-V 400M");
    }

    private void create(String volume, String options) {
        cli.ok("create " + options + " -o compression=off " + volume);
        cli.ok("set shareiscsi=on " + volume);
        luns.put(volume, luns.size());
        assertTrue(cli.ok("target list -H").contains("\t" + luns.get(volume) + "\t" + volume + "\t"),
                volume + " is the next LUN of the share target");
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
        Row p = step("cistern create -V 400M test/volume");
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

        cli.ok("snapshot test/volume@test");
        p = step("cistern snapshot test/volume@test");
        assertEquals(0, p.written());                             // the snapshot took the written data
        assertEquals(100 * MiB, p.referenced());
        assertEquals(refres, p.usedbyrefreservation());           // re-reserved in full: 414M
        assertEquals(refres + 100 * MiB, p.used());               // seed: USED 414M -> 516M
        assertEquals(capacity - refres - 100 * MiB, poolAvailable()); // seed: pool 465M -> 364M
        Row snap = row("test/volume@test");
        assertEquals(0, snap.used());
        assertEquals(100 * MiB, snap.referenced());
        assertEquals(100 * MiB, snap.written());

        write(VOL, 0x22, 100, 300);                               // dd seek=100 count=300
        p = step("dd bs=1M seek=100 count=300");
        assertEquals(300 * MiB, p.written());
        assertEquals(400 * MiB, p.referenced());
        assertEquals(refres - 300 * MiB, p.usedbyrefreservation()); // seed: 111M
        assertEquals(0L, p.usedbysnapshots());
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
        assertEquals(100 * MiB, row("test/volume@test").used());  // seed: snapshot USED 101M
        // The seed's row "516M 101M 404M 10.5M 0 404M 404M", with Cistern's smaller metadata margin (4.69M).
        assertEquals(List.of("505M", "100M", "400M", "4.69M", "0B", "400M", "400M"), printed(VOL).subList(2, 9));
        assertEquals(List.of("test/volume@test", "-", "100M", "-", "-", "-", "-", "100M", "100M"), printed("test/volume@test"));
        assertEquals(capacity - refres - 100 * MiB, poolAvailable());

        // What the initiator reads is what it wrote last, and the snapshot kept the first version.
        verify(VOL, 0x33, 0, 100);
        verify(VOL, 0x22, 100, 300);

        // A daemon restart changes none of it: the accounting is what the metadata says.
        Row volBefore = row(VOL);
        Row snapBefore = row("test/volume@test");
        long availBefore = poolAvailable();
        target.restart();
        pool = target.pool("test");
        cli = target.cli();
        p = step("daemon restarted");
        assertEquals(volBefore, p);
        assertEquals(snapBefore, row("test/volume@test"));
        assertEquals(availBefore, poolAvailable());
        verify(VOL, 0x33, 0, 100);
    }

    @Test
    void sparseVolumeIsChargedWhatItHolds() throws Exception {
        start(true);
        Row p = step("cistern create -s -V 400M test/volume");
        assertEquals(0, p.refreservation());
        assertEquals(0, p.used());
        assertEquals(capacity, poolAvailable());
        assertEquals("none", cli.ok("get -H -o value refreservation test/volume").strip());

        write(VOL, 0x11, 0, 100);
        p = step("dd bs=1M count=100");
        assertEquals(100 * MiB, p.used());
        assertEquals(100 * MiB, p.written());
        assertEquals(capacity - 100 * MiB, poolAvailable());

        cli.ok("snapshot test/volume@test");                      // costs nothing without a reservation
        p = step("cistern snapshot test/volume@test");
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
        assertEquals(100 * MiB, row("test/volume@test").used());
        assertEquals(capacity - 500 * MiB, poolAvailable());
        assertEquals(poolAvailable(), p.available());
        verify(VOL, 0x33, 0, 100);
    }

    @Test
    void snapshotIsRefusedWhenItsReReservationDoesNotFit() throws Exception {
        start(false);
        create("test/filler", "-s -V 1G");
        write(VOL, 0x11, 0, 400);
        cli.ok("snapshot test/volume@test");
        cli.ok("destroy test/volume@test");                       // seed: after destroy, WRITTEN = REFER again
        Row p = step("dd count=400; cistern snapshot; cistern destroy test/volume@test");
        assertEquals(400 * MiB, p.written());
        assertEquals(400 * MiB, p.referenced());

        int fill = (int) ((poolAvailable() - 300 * MiB) / MiB);
        write("test/filler", 0x44, 0, fill);                      // a thin neighbour takes the free space
        long before = poolAvailable();
        step("filler: dd count=" + fill);
        assertTrue(before < p.refreservation(), "pool available " + before + " must be below the re-reservation");
        CisternCli.Result refused = cli.run("snapshot", "test/volume@test");
        assertEquals(1, refused.status());                        // seed: "cannot create snapshot: out of space"
        assertTrue(refused.err().startsWith("cistern: ") && refused.err().contains("out of space"), refused.err());
        System.out.print("cistern snapshot test/volume@test -> " + refused.err());
        assertFalse(pool.list().contains("volume@test"));
        Row after = step("after the refused snapshot (nothing changed)");
        assertEquals(before, poolAvailable());
        assertEquals(p.used(), after.used());
        assertEquals(p.written(), after.written());
        assertEquals(p.usedbyrefreservation(), after.usedbyrefreservation());

        write(VOL, 0x55, 0, 400);                                 // the volume keeps its guarantee meanwhile
        step("dd count=400 again (the reservation holds)");
        verify(VOL, 0x55, 0, 400);
        cli.ok("set shareiscsi=off test/filler");
        cli.ok("destroy test/filler");
        cli.ok("snapshot test/volume@test");                      // fits once space is freed
        p = step("cistern destroy test/filler; cistern snapshot test/volume@test");
        assertEquals(400 * MiB + p.refreservation(), p.used());
    }

    // ---- helpers ----

    /** {@code count} MiB of the byte {@code pattern} from MiB {@code at}, as one qemu-io write over iSCSI. */
    private void write(String volume, int pattern, int at, int count) throws Exception {
        Exec.Result r = Qemu.io(target.sharedUrl(luns.get(volume)), List.of(
                String.format("write -P 0x%02x %dM %dM", pattern, at, count)));
        assertTrue(r.ok() && !r.output().contains("failed"), r::describe);
    }

    private void verify(String volume, int pattern, int at, int count) throws Exception {
        Exec.Result r = Qemu.io(target.sharedUrl(luns.get(volume)), List.of(
                String.format("read -P 0x%02x %dM %dM", pattern, at, count)));
        assertTrue(r.ok() && !r.output().contains("failed") && !r.output().contains("Pattern verification"),
                r::describe);
    }

    /**
     * Prints {@code cistern list -o space,refer,written -t all -r test} as the seed does, checks it is the
     * exact numbers laid out as zfs lays them out, checks the seed's relations on every volume, and returns
     * test/volume's row.
     */
    private Row step(String what) {
        String table = cli.ok(SPACE);
        System.out.println("# " + what);
        System.out.print(table);
        List<String> lines = List.of(table.split("\n"));
        assertEquals(SPACE_COLUMNS, List.of(lines.get(0).trim().split(" +")), "the header of zfs list -o space,refer,written");
        Map<String, Row> rows = rows();
        assertEquals(rows.size(), lines.size() - 1, table);
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = List.of(line.trim().split(" +"));
            Row r = rows.get(cells.get(0));
            assertEquals(List.of(r.name(), human(r.available()), human(r.used()), human(r.usedbysnapshots()),
                    human(r.usedbydataset()), human(r.usedbyrefreservation()), human(r.usedbychildren()),
                    human(r.referenced()), human(r.written())), cells, "as zfs prints it: " + line);
            if (r.available() != null) {
                relations(r);
            }
        }
        return rows.get(VOL);
    }

    /** The seed's relations between a volume's columns and the pool's free space. */
    private void relations(Row p) {
        assertEquals(p.used(), p.usedbydataset() + p.usedbysnapshots() + p.usedbyrefreservation() + p.usedbychildren(),
                p.name() + ": used = usedbydataset + usedbysnapshots + usedbyrefreservation + usedbychildren");
        assertEquals(Math.max(0, p.refreservation() - p.written()), (long) p.usedbyrefreservation(),
                p.name() + ": usedbyrefreservation = max(0, refreservation - written)");
        assertEquals(poolAvailable() + p.usedbyrefreservation(), (long) p.available(),
                p.name() + ": available = pool available + usedbyrefreservation");
        assertTrue(p.written() <= p.referenced(), p.name() + ": written <= referenced");
    }

    /** Every dataset of the pool, exact, from {@code cistern list -Hp}. */
    private Map<String, Row> rows() {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : cli.ok("list -Hp -o space,refer,written,refreserv -t all -r test").split("\n")) {
            String[] f = line.split("\t");
            rows.put(f[0], new Row(f[0], bytes(f[1]), bytes(f[2]), bytes(f[3]), bytes(f[4]), bytes(f[5]), bytes(f[6]),
                    bytes(f[7]), bytes(f[8]), f[9].equals("-") ? 0 : bytes(f[9])));
        }
        return rows;
    }

    private Row row(String name) {
        return rows().get(name);
    }

    /** {@code name}'s row of the printed table, cell by cell. */
    private List<String> printed(String name) {
        for (String line : cli.ok(SPACE).split("\n")) {
            List<String> cells = List.of(line.trim().split(" +"));
            if (cells.get(0).equals(name)) {
                return cells;
            }
        }
        throw new AssertionError(name + " not listed");
    }

    private static Long bytes(String exact) {
        return exact.equals("-") ? null : Long.valueOf(exact);
    }

    private static String human(Long bytes) {
        return bytes == null ? "-" : NiceNum.bytes(bytes);
    }

    private long poolAvailable() {
        return pool.properties().available();
    }
}
