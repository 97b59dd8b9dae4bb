package io.cistern.daemon.lun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.backend.LunFailure;
import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.cistern.thinpool.pool.VolumeSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThinLunBackendTest {
    private static final long MiB = 1L << 20;
    private MemoryDevice device;
    private Pool pool;
    private ThinLunBackend lun;

    @BeforeEach
    void open() throws Exception {
        device = new MemoryDevice(32 * MiB);
        pool = Pool.create("p", device, new MemoryKeyValueStore(), PoolConfig.defaults().withSoftThresholdPercent(50));
        lun = new ThinLunBackend(pool, pool.createVolume("lun0", VolumeSpec.sparse(8 * MiB).withVolblocksize(8192)));
    }

    @AfterEach
    void close() throws Exception {
        lun.close();
        pool.close();
    }

    @Test
    void geometryComesFromTheVolume() {
        assertEquals(512, lun.blockSize());
        assertEquals(8 * MiB / 512, lun.blockCount());
        assertEquals(8192, lun.grainSize());
        assertEquals(LunBackend.Provisioning.THIN, lun.provisioning());
        assertTrue(lun.supportsUnmap());
        assertFalse(lun.readOnly());
    }

    @Test
    void sectorWritesInsideAGrainReadBack() {
        byte[] a = random(1, 3 * 512);
        write(5, a, false);
        byte[] b = random(2, 512);
        write(6, b, true);
        byte[] expected = a.clone();
        System.arraycopy(b, 0, expected, 512, 512);
        assertArrayEquals(expected, read(5, 3));
        assertArrayEquals(new byte[5 * 512], read(0, 5));
        lun.flush().join();
    }

    @Test
    void unmapAndLbaStatusFollowTheGrain() {
        write(0, random(3, 64 * 512), false);
        assertEquals(new LunBackend.LbaStatus(3, 61, true), lun.lbaStatus(3).join());
        lun.unmap(16, 32).join();
        assertEquals(new LunBackend.LbaStatus(16, 32, false), lun.lbaStatus(16).join());
        assertEquals(new LunBackend.LbaStatus(20, 28, false), lun.lbaStatus(20).join());
        assertArrayEquals(new byte[32 * 512], read(16, 32));
        assertEquals(new LunBackend.LbaStatus(64, lun.blockCount() - 64, false), lun.lbaStatus(64).join());
    }

    @Test
    void damagedGrainIsAnUnrecoveredReadError() throws Exception {
        write(32, random(4, 16 * 512), true);
        for (long off = 0; off < device.size(); off += 4096) { // corrupt every data byte on the device
            ByteBuffer b = ByteBuffer.allocate(4096);
            device.read(off, b);
            if (off >= 4096 && b.getLong(0) != 0) {
                device.write(off + 7, ByteBuffer.wrap(new byte[] {(byte) ~b.get(7)}));
            }
        }
        LunFailure f = failure(lun.read(40, 8));
        assertEquals(LunFailure.Reason.UNRECOVERED_READ_ERROR, f.reason());
        assertEquals(40, f.lba()); // the first LBA asked for in the damaged grain (32..47)
        assertArrayEquals(new byte[512], read(0, 1)); // the rest still reads
    }

    @Test
    void fullPoolIsASpaceAllocationFailureAndReadOnlyIsWriteProtected() {
        Semaphore soft = new Semaphore(0);
        lun.listen(new LunBackend.Listener() {
            @Override
            public void softThresholdReached() {
                soft.release();
            }
        });
        ThinLunBackend big = new ThinLunBackend(pool, pool.createVolume("big", VolumeSpec.sparse(64 * MiB)));
        byte[] mib = random(5, (int) MiB);
        LunFailure f = null;
        for (long lba = 0; f == null && lba < big.blockCount(); lba += MiB / 512) {
            ByteBuf buf = Unpooled.wrappedBuffer(mib);
            try {
                big.write(lba, buf, false).join();
            } catch (CompletionException e) {
                f = assertInstanceOf(LunFailure.class, e.getCause());
            } finally {
                buf.release();
            }
        }
        assertEquals(LunFailure.Reason.SPACE_ALLOCATION_FAILED, f.reason());
        assertTrue(tryAcquire(soft));
        assertEquals(512, read(0, 1).length); // reads go on

        pool.setReadonly("lun0", true);
        assertTrue(lun.readOnly());
        ByteBuf one = Unpooled.wrappedBuffer(random(6, 512));
        try {
            assertEquals(LunFailure.Reason.WRITE_PROTECTED, failure(lun.write(0, one, false)).reason());
        } finally {
            one.release();
        }
    }

    @Test
    void capacityChangesAreReported() {
        Semaphore changed = new Semaphore(0);
        lun.listen(new LunBackend.Listener() {
            @Override
            public void capacityChanged() {
                changed.release();
            }
        });
        pool.setVolsize("lun0", 16 * MiB);
        assertTrue(tryAcquire(changed));
        assertEquals(16 * MiB / 512, lun.blockCount());
    }

    private static boolean tryAcquire(Semaphore s) {
        try {
            return s.tryAcquire(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void write(long lba, byte[] data, boolean fua) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            lun.write(lba, buf, fua).join();
        } finally {
            buf.release();
        }
    }

    private byte[] read(long lba, int blocks) {
        ByteBuf buf = lun.read(lba, blocks).join();
        try {
            assertEquals(blocks * 512, buf.readableBytes());
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }

    private static LunFailure failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(LunFailure.class, e.getCause());
    }

    private static byte[] random(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        b[0] |= 1;
        return b;
    }
}
