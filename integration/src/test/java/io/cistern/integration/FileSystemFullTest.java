package io.cistern.integration;

import static io.cistern.integration.ThinProvisioningSenseTest.assertSense;
import static io.cistern.integration.ThinProvisioningSenseTest.hex;
import static io.cistern.integration.ThinProvisioningSenseTest.isSoftThreshold;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.integration.RawIscsiClient.ScsiResult;
import io.cistern.thinpool.pool.CheckReport;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.cistern.thinpool.pool.Volume;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file system under a sparse pool file fills up while the pool itself has room (a 256M pool
 * file on a 96M ext4 file system that a filler file mostly takes): the write that finds no space
 * fails with DATA PROTECT / SPACE ALLOCATION FAILED WRITE PROTECT (QEMU: ENOSPC), as on a full pool;
 * the appliance goes on serving, everything written before reads back, the metadata keeps its
 * headroom, writing resumes once the filler is deleted, and the pool is consistent after a restart.
 * Needs root (mount of a loop device); skipped with a message otherwise.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FileSystemFullTest {
    private static final String IQN = "iqn.2026-11.io.cistern:full";
    private static final String OTHER = "iqn.2026-11.io.cistern:other";
    private static final int CHUNK = 256 << 10;
    private static final int CHUNK_BLOCKS = CHUNK / RawIscsiClient.BLOCK;
    private static final int GOOD = 0;
    private static final long MiB = 1L << 20;
    /** What the filler leaves free: writes take some of it, the headroom (2% of 256M) the rest. */
    private static final long LEFT_FREE = 24 * MiB;

    @TempDir
    Path dir;

    @Test
    void aFullFileSystemRefusesWritesAsThinProvisioningAndWritingResumesOnceSpaceIsFreed() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        Path image = dir.resolve("fs.img");
        Exec.run(Duration.ofSeconds(30), "truncate", "-s", "96M", image.toString()).orThrow();
        Exec.run(Duration.ofSeconds(60), "mkfs.ext4", "-q", "-F", "-m", "0", image.toString()).orThrow();
        Exec.Result mount = Exec.run(Duration.ofSeconds(30), "mount", "-o", "loop", image.toString(), mnt.toString());
        Assumptions.assumeTrue(mount.ok(), () -> "skipped: cannot mount a loop file system here (needs root): "
                + mount.describe());
        try {
            run(mnt);
        } finally {
            if (!Exec.run(Duration.ofSeconds(30), "umount", mnt.toString()).ok()) {
                Exec.run(Duration.ofSeconds(30), "umount", "-l", mnt.toString());
            }
        }
    }

    private void run(Path mnt) throws Exception {
        Path data = mnt.resolve("data");
        int port = DaemonProcess.freePort();
        Path conf = dir.resolve("cistern.conf");
        Files.writeString(conf, """
                cistern {
                  data-dir = "%s"
                  api.listen = ["127.0.0.1:0"]
                  pools.tank { file = "tank.pool", size = 256M, volumes {
                    v { size = 256M, compression = off }, w { size = 4M, compression = off } } }
                  targets.t { iqn = "%s", portals = ["127.0.0.1:%d"], luns = [ { lun = 0, volume = "tank/v" } ] }
                  targets.u { iqn = "%s", portals = ["127.0.0.1:%d"], luns = [ { lun = 0, volume = "tank/w" } ] }
                }
                """.formatted(data, IQN, port, OTHER, port));
        Path filler = mnt.resolve("filler");
        int written = 0;
        try (DaemonProcess daemon = start(conf, port);
             RawIscsiClient c = client(port, IQN);
             RawIscsiClient other = client(port, OTHER)) {
            assertEquals(GOOD, other.write10(0, chunk(-1)).status(), "the other volume's first chunk");
            long free = Files.getFileStore(mnt).getUsableSpace();
            Exec.run(Duration.ofSeconds(30), "fallocate", "-l", Long.toString(free - LEFT_FREE),
                    filler.toString()).orThrow();
            System.out.printf("file system: %d bytes free, %d after the filler%n", free,
                    Files.getFileStore(mnt).getUsableSpace());

            ScsiResult refused = null;
            for (int tries = 0; tries < LEFT_FREE / CHUNK + 16 && refused == null; tries++) {
                ScsiResult r = c.write10((long) written * CHUNK_BLOCKS, chunk(written));
                if (isSoftThreshold(r)) {
                    continue;
                }
                if (r.status() == GOOD) {
                    written++;
                } else {
                    refused = r;
                }
            }
            long left = Files.getFileStore(mnt).getUsableSpace();
            System.out.printf("refused after %d MiB written; %d bytes left on the file system; sense %s%n",
                    written * (long) CHUNK / MiB, left, refused == null ? "-" : hex(refused.sense()));
            assertTrue(refused != null, "the full file system never refused a write");
            assertSense(refused, 0x07, 0x27, 0x07); // DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT
            assertTrue(written >= 8, "only " + written + " chunks fit before the refusal");
            assertTrue(left >= 4 * MiB, "the metadata's headroom was not kept: " + left + " bytes left");

            // It stays refused, for QEMU too, and the appliance goes on serving: reads, and writes of zeros.
            assertSense(c.write10((long) written * CHUNK_BLOCKS, chunk(written)), 0x07, 0x27, 0x07);
            Exec.Result qemu = Qemu.io(new IscsiUrl("127.0.0.1", port, IQN, 0),
                    List.of("write -P 0x5a " + (written + 1) * (long) CHUNK + " 256k"));
            assertTrue(qemu.output().contains("No space left on device"), qemu::describe);
            assertTrue(daemon.process().isAlive(), "the appliance stopped");
            for (int n = 0; n < written; n++) {
                assertRead(c, n, chunk(n));
            }
            assertEquals(GOOD, c.write10((long) (written + 8) * CHUNK_BLOCKS, new byte[CHUNK]).status());
            assertRead(other, 0, chunk(-1));

            // Space freed on the file system: writing resumes where it was refused.
            Files.delete(filler);
            for (int n = written; n < written + 8; n++) {
                int at = n;
                ScsiResult r = c.write10((long) n * CHUNK_BLOCKS, chunk(n));
                assertEquals(GOOD, r.status(), () -> "write " + at + " after the filler went: " + hex(r.sense()));
            }
            written += 8;
            assertRead(c, written - 1, chunk(written - 1));
            assertEquals(0, daemon.terminate(Duration.ofSeconds(60)), daemon::tail);
            assertTrue(daemon.output().contains("has no room"), "no log line says why writes failed");
        }

        // A restart finds the pool consistent and every acknowledged chunk in place.
        try (Pool pool = Pool.openDevice(data.resolve("tank.pool"), data.resolve("tank.meta"), PoolConfig.defaults())) {
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
            Volume v = pool.volume("v");
            for (int n = 0; n < written; n++) {
                byte[] got = new byte[CHUNK];
                v.read((long) n * CHUNK, CHUNK).join().get(got);
                assertArrayEquals(chunk(n), got, "chunk " + n + " after the restart");
            }
        }
        try (DaemonProcess daemon = start(conf, port); RawIscsiClient c = client(port, IQN)) {
            assertRead(c, 0, chunk(0));
            assertEquals(0, daemon.terminate(Duration.ofSeconds(60)), daemon::tail);
        }
    }

    private DaemonProcess start(Path conf, int port) throws Exception {
        return DaemonProcess.start(DaemonProcess.DEFAULT_JVM, dir.resolve("daemon.log"), "run", "--config",
                conf.toString()).awaitListening(port);
    }

    private static RawIscsiClient client(int port, String iqn) throws IOException {
        RawIscsiClient c = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port));
        c.login(RawIscsiClient.normalLoginKeys(iqn));
        c.clearUnitAttentions();
        return c;
    }

    private static void assertRead(RawIscsiClient c, int n, byte[] expected) throws IOException {
        ScsiResult r = c.read10((long) n * CHUNK_BLOCKS, CHUNK_BLOCKS);
        assertEquals(GOOD, r.status(), () -> "read of chunk " + n + ": " + hex(r.sense()));
        assertArrayEquals(expected, r.data(), "chunk " + n);
    }

    /** Chunk {@code n}: distinct, incompressible, never zero. */
    private static byte[] chunk(int n) {
        byte[] b = new byte[CHUNK];
        new Random(1000L + n).nextBytes(b);
        for (int i = 0; i < b.length; i += 512) {
            b[i] |= 1;
        }
        return b;
    }
}
