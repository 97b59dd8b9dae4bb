package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.integration.RawIscsiClient.ScsiResult;
import io.cistern.thinpool.pool.CheckReport;
import io.cistern.thinpool.pool.Pool;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thin provisioning as the initiator sees it: a 128M sparse volume and a 16M reserved one (with a
 * snapshot) on a 64M
 * pool. The sparse volume's writes fail once the pool is full with DATA PROTECT / SPACE ALLOCATION
 * FAILED WRITE PROTECT (7/27/07: sense bytes through {@link RawIscsiClient}, ENOSPC through QEMU),
 * reads go on, the reserved volume writes its whole size, and writing resumes after UNMAP. Crossing
 * the soft threshold (80%) gives each I_T nexus one THIN PROVISIONING SOFT THRESHOLD REACHED unit
 * attention (6/38/07), and again only after usage fell below it and rose past it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ThinProvisioningSenseTest {
    private static final int CHUNK = 256 << 10;
    private static final int CHUNK_BLOCKS = CHUNK / RawIscsiClient.BLOCK;
    private static final String THIN = "tp/thin";
    private static final String THICK = "tp/thick";
    private static final int GOOD = 0;
    private static final int CHECK_CONDITION = 2;

    @TempDir
    Path tmp;
    private PoolTarget target;
    private Pool pool;

    @BeforeEach
    void start() throws IOException {
        target = PoolTarget.start(tmp, "tp { file = \"tp.pool\", size = 64M, volumes { "
                + "thin { size = 128M, sparse = true, compression = off }, thick { size = 16M, sparse = false, compression = off } } }", List.of(THIN, THICK));
        pool = target.pool("tp");
    }

    @AfterEach
    void stop() {
        CheckReport check = pool.check();
        target.close();
        assertTrue(check.clean(), check.problems()::toString);
    }

    @Test
    void fullPoolFailsThinWritesWithSpaceAllocationFailedAndUnmapResumesThem() throws Exception {
        try (RawIscsiClient thin = target.client(THIN); RawIscsiClient thick = target.client(THICK)) {
            // The reserved volume is written in full and snapshotted: the snapshot re-reserves its 16M.
            for (int c = 0; c < (16 << 20) / CHUNK; c++) {
                assertEquals(GOOD, thick.write10((long) c * CHUNK_BLOCKS, data(THICK, c + 500)).status());
            }
            pool.snapshot("thick", "s");
            System.out.printf("thick written and snapshotted: pool used %d of %d%n", pool.properties().used(),
                    pool.properties().capacity());

            // Fill the sparse volume until the pool refuses; one soft-threshold unit attention on the way.
            int unitAttentions = 0;
            int chunk = 0;
            ScsiResult refused = null;
            for (int tries = 0; tries < (128 << 20) / CHUNK + 8; tries++) {
                ScsiResult r = thin.write10((long) chunk * CHUNK_BLOCKS, data(THIN, chunk));
                if (isSoftThreshold(r)) {
                    unitAttentions++;
                    long used = pool.properties().used();
                    long capacity = pool.properties().capacity();
                    System.out.printf("soft threshold UA after %d KiB written; pool used %d of %d (%.2f%%)%n",
                            chunk * (CHUNK >> 10), used, capacity, used * 100.0 / capacity);
                    // 80% reached, by the last write or (the UA is raised off the pool thread) one or two before
                    assertTrue(used * 100 >= capacity * 80L && (used - 3L * CHUNK) * 100 < capacity * 80L,
                            "UA at " + used + " of " + capacity);
                    continue; // the command was not run: send it again
                }
                if (r.status() != GOOD) {
                    refused = r;
                    break;
                }
                chunk++;
            }
            int filled = chunk;
            System.out.printf("thin volume full after %d MiB; sense %s; pool available %d%n",
                    filled * CHUNK >> 20, hex(refused == null ? new byte[0] : refused.sense()),
                    pool.properties().available());
            assertTrue(refused != null, "the pool never refused a write");
            assertSense(refused, 0x07, 0x27, 0x07);                 // DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT
            assertEquals(1, unitAttentions, "one THIN PROVISIONING SOFT THRESHOLD REACHED per crossing");
            assertTrue(filled > 16 && filled < (32 << 20) / CHUNK, "filled " + filled + " chunks");
            // It stays refused (no second unit attention), and QEMU reports it as ENOSPC.
            assertSense(thin.write10((long) (filled + 1) * CHUNK_BLOCKS, data(THIN, filled + 1)), 0x07, 0x27, 0x07);
            Exec.Result qemu = Qemu.io(target.url(THIN), List.of("write -P 0x5a " + (filled + 2) * CHUNK + " 256k"));
            System.out.println(qemu.output().strip());
            assertTrue(qemu.output().contains("No space left on device"), qemu::describe);

            // Overwriting what the volume holds needs no new space: fine on a full pool, many times over
            // (more than the slop that covers frees not yet committed), and so is writing zeros.
            for (int round = 0; round < 3; round++) {
                for (int c = 0; c < 40; c++) {
                    int n = c;
                    ScsiResult r = thin.write10((long) c * CHUNK_BLOCKS, data(THIN, c + 1000 * round));
                    assertEquals(GOOD, r.status(), () -> "overwrite of chunk " + n + " on a full pool: " + hex(r.sense()));
                }
            }
            for (int c = 0; c < 40; c++) {
                assertEquals(GOOD, thin.write10((long) c * CHUNK_BLOCKS, data(THIN, c)).status());
            }
            byte[] sector = new byte[RawIscsiClient.BLOCK];
            Arrays.fill(sector, (byte) 0x5c);
            ScsiResult small = thin.write10(3, sector);          // read-modify-write of a 4K grain
            assertEquals(GOOD, small.status(), () -> "512-byte overwrite on a full pool: " + hex(small.sense()));
            assertEquals(GOOD, thin.write10((long) (filled + 3) * CHUNK_BLOCKS, new byte[CHUNK]).status(),
                    "zeros where nothing is mapped need no space");
            assertEquals(GOOD, thin.write10(0, data(THIN, 0)).status());

            // Reads still work, of written and of never-written blocks.
            assertRead(thin, 0, data(THIN, 0));
            assertRead(thin, filled - 1, data(THIN, filled - 1));
            assertRead(thin, filled, new byte[CHUNK]);

            // The reserved volume overwrites its whole size (its snapshot keeping the first version) on
            // the full pool, and reads it back; it saw the crossing once too.
            int thickUa = 0;
            for (int c = 0, tries = 0; c < (16 << 20) / CHUNK && tries < 80; tries++) {
                ScsiResult r = thick.write10((long) c * CHUNK_BLOCKS, data(THICK, c));
                if (isSoftThreshold(r)) {
                    thickUa++;
                    continue;
                }
                assertEquals(GOOD, r.status(), () -> "reserved volume write refused: " + hex(r.sense()));
                c++;
            }
            assertEquals(1, thickUa, "the reserved volume's nexus gets the soft threshold UA once as well");
            assertRead(thick, (16 << 20) / CHUNK - 1, data(THICK, (16 << 20) / CHUNK - 1));

            // UNMAP half of what the thin volume holds: usage falls below the threshold, writes resume.
            long before = pool.properties().used();
            int freedChunks = filled / 2;
            ScsiResult u = unmap(thin, 0, (long) freedChunks * CHUNK_BLOCKS);
            assertEquals(GOOD, u.status(), () -> "UNMAP: " + hex(u.sense()));
            ScsiResult s = synchronizeCache(thin);
            assertEquals(GOOD, s.status(), () -> "SYNCHRONIZE CACHE: " + hex(s.sense()));
            System.out.printf("UNMAP of %d MiB: pool used %d -> %d%n", freedChunks * CHUNK >> 20, before,
                    pool.properties().used());
            assertRead(thin, 0, new byte[CHUNK]);                   // unmapped blocks read as zeros
            assertEquals(GOOD, thin.write10((long) filled * CHUNK_BLOCKS, data(THIN, filled)).status());
            assertRead(thin, filled, data(THIN, filled));

            // Rising past the threshold again gives one new unit attention.
            int again = 0;
            boolean crossedAgain = false;
            for (int c = 0, tries = 0; c < freedChunks - 1 && tries < freedChunks + 4; tries++) {
                ScsiResult r = thin.write10((long) c * CHUNK_BLOCKS, data(THIN, c));
                if (isSoftThreshold(r)) {
                    again++;
                    crossedAgain = true;
                    continue;
                }
                assertEquals(GOOD, r.status(), () -> "write after UNMAP: " + hex(r.sense()));
                c++;
            }
            assertTrue(crossedAgain, "no unit attention on the second crossing");
            assertEquals(1, again, "one unit attention per crossing");
        }
        // A restart above the threshold is no crossing: after the power-on UA, writes just work.
        long used = pool.properties().used();
        assertTrue(used * 100 >= pool.properties().capacity() * 80L);
        target.restart();
        pool = target.pool("tp");
        assertEquals(used, pool.properties().used());
        try (RawIscsiClient thin = target.client(THIN)) {
            for (int c = 0; c < 4; c++) {
                ScsiResult r = thin.write10((long) c * CHUNK_BLOCKS, data(THIN, c + 7));
                assertEquals(GOOD, r.status(), () -> "write after restart: " + hex(r.sense()));
            }
        }
    }

    // ---- helpers ----

    /** Chunk {@code n} of {@code volume}: distinct, non-zero content. */
    private static byte[] data(String volume, int n) {
        byte[] b = new byte[CHUNK];
        new java.util.Random(volume.hashCode() * 31L + n).nextBytes(b);
        for (int i = 0; i < b.length; i += 512) {
            b[i] |= 1;
        }
        return b;
    }

    private static void assertRead(RawIscsiClient c, int chunk, byte[] expected) throws IOException {
        ScsiResult r = c.read10((long) chunk * CHUNK_BLOCKS, CHUNK_BLOCKS);
        for (int i = 0; i < 4 && isSoftThreshold(r); i++) {
            r = c.read10((long) chunk * CHUNK_BLOCKS, CHUNK_BLOCKS);
        }
        ScsiResult got = r;
        assertEquals(GOOD, got.status(), () -> "read of chunk " + chunk + ": " + hex(got.sense()));
        assertArrayEquals(expected, got.data(), "chunk " + chunk);
    }

    static boolean isSoftThreshold(ScsiResult r) {
        return r.status() == CHECK_CONDITION && r.senseKey() == 0x06 && r.asc() == 0x38 && ascq(r) == 0x07;
    }

    static void assertSense(ScsiResult r, int key, int asc, int ascq) {
        assertEquals(CHECK_CONDITION, r.status(), () -> "status of " + hex(r.sense()));
        String got = String.format("%x/%02x/%02x", r.senseKey(), r.asc(), ascq(r));
        assertEquals(String.format("%x/%02x/%02x", key, asc, ascq), got, () -> "sense " + hex(r.sense()));
    }

    static int ascq(ScsiResult r) {
        byte[] s = r.sense();
        if (s.length == 0) {
            return -1;
        }
        if ((s[0] & 0x7f) >= 0x72) {
            return s.length > 3 ? s[3] & 0xff : -1;
        }
        return s.length > 13 ? s[13] & 0xff : -1;
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : Arrays.copyOf(b, Math.min(b.length, 18))) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }

    /** UNMAP (0x42) of one range. */
    static ScsiResult unmap(RawIscsiClient c, long lba, long blocks) throws IOException {
        byte[] list = new byte[24];
        list[1] = 22;                      // UNMAP DATA LENGTH
        list[3] = 16;                      // BLOCK DESCRIPTOR DATA LENGTH
        for (int i = 0; i < 8; i++) {
            list[8 + i] = (byte) (lba >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            list[16 + i] = (byte) (blocks >>> (24 - 8 * i));
        }
        byte[] cdb = new byte[10];
        cdb[0] = 0x42;
        cdb[8] = (byte) list.length;
        for (int i = 0; i < 4; i++) {
            var cmd = c.command(cdb, false, true, true, list.length, Unpooled.wrappedBuffer(list));
            c.send(cmd);
            ScsiResult r = c.finish(cmd.initiatorTaskTag(), list, 0);
            if (!isSoftThreshold(r)) {
                return r;
            }
        }
        throw new IOException("UNMAP kept getting unit attentions");
    }

    static ScsiResult synchronizeCache(RawIscsiClient c) throws IOException {
        for (int i = 0; i < 4; i++) {
            var cmd = c.command(new byte[] {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false, false, true, 0,
                    Unpooled.EMPTY_BUFFER);
            c.send(cmd);
            ScsiResult r = c.finish(cmd.initiatorTaskTag(), null, 0);
            if (!isSoftThreshold(r)) {
                return r;
            }
        }
        throw new IOException("SYNCHRONIZE CACHE kept getting unit attentions");
    }
}
