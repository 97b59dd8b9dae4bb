package io.cistern.integration;

import static io.cistern.integration.ThinProvisioningSenseTest.assertSense;
import static io.cistern.integration.ThinProvisioningSenseTest.hex;
import static io.cistern.integration.ThinProvisioningSenseTest.synchronizeCache;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.integration.RawIscsiClient.ScsiResult;
import io.cistern.thinpool.pool.CheckReport;
import io.cistern.thinpool.pool.ScrubReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silent damage in the pool file, seen through iSCSI: known 4K blocks written over iSCSI, the daemon
 * stopped, a few bytes of one block's extent flipped in the pool file (found by its content), the
 * daemon started again. Reading that block is MEDIUM ERROR / UNRECOVERED READ ERROR (3/11/00) with
 * its LBA in the sense, never the wrong data; the other blocks read fine; scrub names the volume and
 * block, live or held only by a snapshot (served read-only as a LUN too); rewriting the block heals
 * the volume, destroying the snapshot the pool.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChecksumDamageTest {
    private static final int VBS = 4096;
    private static final int SECTORS = VBS / RawIscsiClient.BLOCK;
    private static final int BLOCKS = 64;
    private static final int DAMAGED = 5;
    private static final String VOL = "cs/vol";
    private static final String SNAP = "cs/vol@s";
    /** A block whose damaged version only the snapshot holds. */
    private static final int SNAP_ONLY = 7;

    @TempDir
    Path tmp;
    private PoolTarget target;

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void damagedExtentReadsAsMediumErrorAndScrubNamesIt() throws Exception {
        target = PoolTarget.start(tmp, "cs { file = \"cs.pool\", size = 64M, volumes { vol { size = 16M } } }",
                List.of(VOL));
        try (RawIscsiClient c = target.client(VOL)) {
            byte[] all = new byte[BLOCKS * VBS];
            for (int b = 0; b < BLOCKS; b++) {
                System.arraycopy(block(b), 0, all, b * VBS, VBS);
            }
            assertEquals(0, c.write10(0, all).status());
            assertEquals(0, synchronizeCache(c).status());
            // Snapshot, then rewrite block 7: its first version is now held by the snapshot alone.
            target.pool("cs").snapshot("vol", "s");
            assertEquals(0, c.write10((long) SNAP_ONLY * SECTORS, block(100 + SNAP_ONLY)).status());
            assertEquals(0, synchronizeCache(c).status());
        }
        target.stop();

        // Flip 8 bytes in the middle of block 5's extent, found by its content.
        Path file = tmp.resolve("cs.pool");
        long offset = find(file, block(DAMAGED));
        System.out.printf("block %d of %s is at byte %d of %s; flipping 8 bytes%n", DAMAGED, VOL, offset, file);
        flip(file, offset + 1000);
        long snapOffset = find(file, block(SNAP_ONLY));
        System.out.printf("block %d of %s@s (snapshot only) is at byte %d; flipping 8 bytes%n", SNAP_ONLY, VOL, snapOffset);
        flip(file, snapOffset + 10);

        target.restart(List.of(VOL, SNAP));                       // the snapshot served read-only as well
        try (RawIscsiClient c = target.client(VOL)) {
            // The damaged block: 3/11/00 with its first LBA, whether read alone, in part, or in a larger read.
            ScsiResult r = c.read10((long) DAMAGED * SECTORS, SECTORS);
            System.out.println("READ(10) of block " + DAMAGED + ": status " + r.status() + " sense " + hex(r.sense()));
            assertSense(r, 0x03, 0x11, 0x00);
            assertEquals(DAMAGED * SECTORS, information(r));
            assertTrue(allZero(r.data()), "no data may come with the error");
            ScsiResult part = c.read10((long) DAMAGED * SECTORS + 3, 1);
            assertSense(part, 0x03, 0x11, 0x00);
            ScsiResult wide = c.read10(0, BLOCKS * SECTORS);
            assertSense(wide, 0x03, 0x11, 0x00);
            assertEquals(DAMAGED * SECTORS, information(wide));
            assertTrue(allZero(Arrays.copyOfRange(wide.data(), DAMAGED * VBS, (DAMAGED + 1) * VBS)),
                    "the damaged block's bytes never reach the initiator");

            // A partial write into the damaged grain needs its old bytes: it must fail, not launder them
            // under a fresh checksum.
            byte[] sector = new byte[RawIscsiClient.BLOCK];
            Arrays.fill(sector, (byte) 0x6d);
            ScsiResult rmw = c.write10((long) DAMAGED * SECTORS + 2, sector);
            System.out.println("512-byte WRITE(10) into block " + DAMAGED + ": status " + rmw.status() + " sense "
                    + hex(rmw.sense()));
            assertSense(rmw, 0x03, 0x11, 0x00);
            assertSense(c.read10((long) DAMAGED * SECTORS, SECTORS), 0x03, 0x11, 0x00);

            // Every other block reads back as written (block 7 as rewritten: its live version is intact).
            for (int b = 0; b < BLOCKS; b++) {
                if (b != DAMAGED) {
                    ScsiResult ok = c.read10((long) b * SECTORS, SECTORS);
                    assertEquals(0, ok.status(), "block " + b + ": " + hex(ok.sense()));
                    assertArrayEquals(block(b == SNAP_ONLY ? 100 + b : b), ok.data(), "block " + b);
                }
            }
        }
        // The snapshot's LUN: both damaged versions are medium errors there, the rest is the snapshot's data.
        try (RawIscsiClient c = target.client(SNAP)) {
            for (int b : new int[] {DAMAGED, SNAP_ONLY}) {
                ScsiResult r = c.read10((long) b * SECTORS, SECTORS);
                assertSense(r, 0x03, 0x11, 0x00);
                assertEquals(b * SECTORS, information(r));
            }
            ScsiResult ok = c.read10(8L * SECTORS, SECTORS);
            assertEquals(0, ok.status(), () -> hex(ok.sense()));
            assertArrayEquals(block(8), ok.data());
            ScsiResult w = c.write10(8L * SECTORS, block(8));
            assertSense(w, 0x07, 0x27, 0x00);                     // DATA PROTECT, WRITE PROTECTED
        }
        // QEMU sees an I/O error on the damaged block and good data elsewhere.
        Exec.Result q = Qemu.io(target.url(VOL), List.of("read " + DAMAGED * VBS + " 4k"));
        System.out.println(q.output().strip());
        assertTrue(q.output().contains("Input/output error"), q::describe);

        // Scrub names the volume and the block.
        ScrubReport report = target.pool("cs").scrub().get(60, TimeUnit.SECONDS);
        System.out.println("scrub: " + report);
        assertEquals(BLOCKS + 1, report.blocks());                 // 64 live versions and block 7's old one
        assertEquals(List.of(new ScrubReport.Damage("vol", DAMAGED, true, "checksum mismatch"),
                        new ScrubReport.Damage("vol", SNAP_ONLY, false, "checksum mismatch")),
                report.damaged().stream().sorted(java.util.Comparator.comparingLong(ScrubReport.Damage::block)).toList());

        // Rewriting the block heals the volume: new data in a new place (the snapshot keeps the bad one).
        try (RawIscsiClient c = target.client(VOL)) {
            byte[] fresh = block(1000);
            assertEquals(0, c.write10((long) DAMAGED * SECTORS, fresh).status());
            ScsiResult r = c.read10((long) DAMAGED * SECTORS, SECTORS);
            assertEquals(0, r.status(), () -> hex(r.sense()));
            assertArrayEquals(fresh, r.data());
        }
        // The damaged version of block 5 is now the snapshot's alone, as block 7's is; destroying the
        // snapshot frees both and leaves the pool clean.
        ScrubReport after = target.pool("cs").scrub().get(60, TimeUnit.SECONDS);
        assertEquals(List.of(new ScrubReport.Damage("vol", DAMAGED, false, "checksum mismatch"),
                        new ScrubReport.Damage("vol", SNAP_ONLY, false, "checksum mismatch")),
                after.damaged().stream().sorted(java.util.Comparator.comparingLong(ScrubReport.Damage::block)).toList());
        target.restart(List.of(VOL));
        target.pool("cs").destroy("vol@s", false);
        assertTrue(target.pool("cs").scrub().get(60, TimeUnit.SECONDS).clean());
        CheckReport check = target.pool("cs").check();
        assertTrue(check.clean(), check.problems()::toString);
    }

    @Test
    void damageInALargeGrainIsReportedAtTheGrainsFirstLba() throws Exception {
        int grain = 16 << 10;
        int grains = 16;
        target = PoolTarget.start(tmp, "cs { file = \"cs.pool\", size = 64M, volumes { big { size = 4M, "
                + "volblocksize = 16K } } }", List.of("cs/big"));
        byte[] all = new byte[grains * grain];
        new Random(42).nextBytes(all);
        try (RawIscsiClient c = target.client("cs/big")) {
            assertEquals(0, c.write10(0, all).status());
            assertEquals(0, synchronizeCache(c).status());
        }
        target.stop();
        long at = find16k(tmp.resolve("cs.pool"), Arrays.copyOfRange(all, 3 * grain, 4 * grain));
        flip(tmp.resolve("cs.pool"), at + grain - 8);              // the grain's last sector
        target.restart();
        int sectors = grain / RawIscsiClient.BLOCK;
        try (RawIscsiClient c = target.client("cs/big")) {
            ScsiResult wide = c.read10(0, grains * sectors);
            assertSense(wide, 0x03, 0x11, 0x00);
            assertEquals(3 * sectors, information(wide));           // the first LBA of grain 3
            ScsiResult inside = c.read10(3L * sectors + 5, 2);
            assertSense(inside, 0x03, 0x11, 0x00);
            assertEquals(3 * sectors + 5, information(inside));      // the first LBA asked for in it
            for (int g : new int[] {2, 4}) {
                ScsiResult ok = c.read10((long) g * sectors, sectors);
                assertEquals(0, ok.status(), () -> hex(ok.sense()));
                assertArrayEquals(Arrays.copyOfRange(all, g * grain, (g + 1) * grain), ok.data());
            }
        }
        ScrubReport report = target.pool("cs").scrub().get(60, TimeUnit.SECONDS);
        assertEquals(List.of(new ScrubReport.Damage("big", 3, true, "checksum mismatch")), report.damaged());
    }

    /** The one 16K-grain extent of {@code file} holding {@code content} (4K-aligned). */
    private static long find16k(Path file, byte[] content) throws IOException {
        byte[] head = Arrays.copyOf(content, VBS);
        long at = find(file, head);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(content.length);
            ch.read(b, at);
            assertArrayEquals(content, b.array(), "grain stored contiguously");
        }
        return at;
    }

    private static void flip(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, at);
            for (int i = 0; i < 8; i++) {
                b.put(i, (byte) ~b.get(i));
            }
            ch.write(b.flip(), at);
        }
    }

    /** Block {@code n}'s content: random, non-zero, unique. */
    private static byte[] block(int n) {
        byte[] b = new byte[VBS];
        new Random(0xC157E5L * 1_000_003 + n).nextBytes(b);
        b[0] |= 1;
        return b;
    }

    /** The one 4K-aligned offset of {@code file} holding {@code content}. */
    private static long find(Path file, byte[] content) throws IOException {
        long found = -1;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            byte[] unit = new byte[VBS];
            for (long pos = 0; pos < ch.size(); pos += buf.capacity()) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) > 0) {
                    // fill the buffer
                }
                buf.flip();
                for (int at = 0; at + VBS <= buf.limit(); at += VBS) {
                    buf.get(at, unit);
                    if (Arrays.equals(unit, content)) {
                        assertEquals(-1, found, "content found twice");
                        found = pos + at;
                    }
                }
            }
        }
        assertTrue(found >= 0, "content not found in " + file);
        return found;
    }

    /** The INFORMATION field of fixed-format sense (VALID set), or -1. */
    private static long information(ScsiResult r) {
        byte[] s = r.sense();
        if (s.length < 7 || (s[0] & 0x80) == 0) {
            return -1;
        }
        return ((s[3] & 0xffL) << 24) | ((s[4] & 0xff) << 16) | ((s[5] & 0xff) << 8) | (s[6] & 0xff);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
