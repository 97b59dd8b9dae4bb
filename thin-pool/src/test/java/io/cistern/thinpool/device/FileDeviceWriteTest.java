package io.cistern.thinpool.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileDevice#write(long, ByteBuffer[])}: one pwritev per 1024 iovecs, direct parts as they
 * are, heap parts through a per-thread staging buffer of a megabyte.
 */
class FileDeviceWriteTest {
    private static final int MiB = 1 << 20;

    @Test
    void aGatheringWritePutsEachPartAtItsPlace(@TempDir Path dir) throws Exception {
        Random rnd = new Random(11);
        byte[] want = new byte[8 * MiB];
        try (FileDevice device = FileDevice.create(dir.resolve("pool.img"), 8 * MiB, false)) {
            // 1: written as it is; 256 x 4 KiB: one staging buffer's worth; 1500 odd sizes (more
            // iovecs than one pwritev takes) and parts larger than the staging buffer: several
            // pwritev calls, heap parts split across them.
            for (int parts : new int[] {1, 256, 1500, 3}) {
                for (boolean direct : new boolean[] {true, false}) {
                    ByteBuffer[] src = new ByteBuffer[parts];
                    int total = 0;
                    for (int i = 0; i < parts; i++) {
                        int len = parts == 256 ? 4096 : parts == 3 ? MiB + 4097 : rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(3000);
                        ByteBuffer b = direct || i % 2 == 0 ? ByteBuffer.allocateDirect(len + 10) : ByteBuffer.allocate(len + 10);
                        byte[] bytes = new byte[len + 10];
                        rnd.nextBytes(bytes);
                        b.put(bytes).clear();
                        src[i] = b.position(5).limit(5 + len); // parts start inside their buffers
                        total += len;
                    }
                    int offset = rnd.nextInt(want.length - total);
                    int at = offset;
                    for (ByteBuffer part : src) {
                        part.get(part.position(), want, at, part.remaining());
                        at += part.remaining();
                    }
                    device.write(offset, src);
                    for (int i = 0; i < parts; i++) {
                        assertEquals(src[i].limit(), src[i].position(), "part " + i + " is written");
                    }
                    ByteBuffer got = ByteBuffer.allocate(want.length);
                    device.read(0, got);
                    assertArrayEquals(want, got.array(), parts + " parts, direct " + direct);
                }
            }
        }
    }

    @Test
    void partsThatAdjoinInMemoryAreWrittenInOrder(@TempDir Path dir) throws Exception {
        byte[] want = new byte[2 * MiB];
        new Random(12).nextBytes(want);
        ByteBuffer whole = ByteBuffer.allocateDirect(want.length).put(want).clear();
        ByteBuffer[] slices = new ByteBuffer[2048]; // side by side in one buffer: their iovecs join
        for (int i = 0; i < slices.length; i++) {
            slices[i] = whole.slice(i * 1024, 1024);
        }
        try (FileDevice device = FileDevice.create(dir.resolve("pool.img"), 4 * MiB, false)) {
            device.write(MiB + 512, slices);
            ByteBuffer got = ByteBuffer.allocate(want.length);
            device.read(MiB + 512, got);
            assertArrayEquals(want, got.array());
        }
    }
}
