package io.cistern.thinpool.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool on a whole block device: a loop device over a file, so that the size really comes from the
 * BLKGETSIZE64 ioctl. Needs root and loop devices (CI runs as root); skipped where losetup cannot attach.
 */
class BlockDevicePoolTest {
    private static final long SIZE = 96L << 20;

    @TempDir
    Path dir;
    private Path loop;

    @BeforeEach
    void attach() throws Exception {
        Path backing = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        String dev = run("losetup", "-f", "--show", backing.toString());
        assumeTrue(dev != null && dev.startsWith("/dev/loop"), "no loop device here (needs root): " + dev);
        loop = Path.of(dev);
    }

    @AfterEach
    void detach() throws Exception {
        if (loop != null) {
            run("losetup", "-d", loop.toString());
        }
    }

    @Test
    void createsOnABlankDeviceSizedByTheIoctlAndReopens() throws Exception {
        byte[] data = new byte[64 * 1024];
        new Random(3).nextBytes(data);
        try (Pool pool = Pool.createOnDevice(loop, dir.resolve("meta"), PoolConfig.defaults())) {
            assertEquals(SIZE - 4096, pool.properties().size(), "data area = device size (BLKGETSIZE64) - label");
            pool.createVolume("v", VolumeSpec.sparse(32L << 20)).write(4096, ByteBuffer.wrap(data), true).join();
        }
        try (Pool pool = Pool.openDevice(loop, dir.resolve("meta"), PoolConfig.defaults())) {
            ByteBuffer back = pool.volume("v").read(4096, data.length).join();
            byte[] got = new byte[data.length];
            back.get(got);
            assertArrayEquals(data, got);
        }
    }

    @Test
    void refusesADeviceThatHoldsData() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(loop.toFile(), "rw")) {
            f.seek(1080); // where ext4 keeps its magic
            f.write("not blank".getBytes(StandardCharsets.US_ASCII));
        }
        PoolException e = assertThrows(PoolException.class,
                () -> Pool.createOnDevice(loop, dir.resolve("meta"), PoolConfig.defaults()));
        assertEquals(PoolException.Kind.ALREADY_EXISTS, e.kind());
        assertEquals(true, e.getMessage().contains("not blank"), e.getMessage());
        assertEquals(false, Files.exists(dir.resolve("meta").resolve("CURRENT")), "no metadata store was made");
    }

    /** The command's first output line, or null if it could not run or failed. */
    private static String run(String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        }
    }
}
