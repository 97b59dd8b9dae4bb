package io.cistern.thinpool.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileDevice#read(long, ByteBuffer[])}: one preadv into direct parts, the plain reads otherwise. */
class FileDeviceReadTest {
    private static final int MiB = 1 << 20;

    @Test
    void aScatteringReadFillsEachPartWithTheBytesAtItsPlace(@TempDir Path dir) throws Exception {
        Random rnd = new Random(7);
        byte[] data = new byte[4 * MiB];
        rnd.nextBytes(data);
        try (FileDevice device = FileDevice.create(dir.resolve("pool.img"), 8 * MiB, false)) {
            device.write(0, ByteBuffer.wrap(data));
            for (int parts : new int[] {1, 700, 1024, 1500}) { // 1500: more than one preadv takes
                for (boolean direct : new boolean[] {true, false}) {
                    ByteBuffer[] dst = new ByteBuffer[parts];
                    int total = 0;
                    for (int i = 0; i < parts; i++) {
                        int len = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(2000);
                        ByteBuffer b = direct || i % 2 == 0 ? ByteBuffer.allocateDirect(len + 10) : ByteBuffer.allocate(len + 10);
                        dst[i] = b.position(5).limit(5 + len); // parts start inside their buffers
                        total += len;
                    }
                    int offset = rnd.nextInt(data.length - total);
                    device.read(offset, dst);
                    int at = offset;
                    for (int i = 0; i < parts; i++) {
                        assertEquals(dst[i].limit(), dst[i].position(), "part " + i + " is full");
                        byte[] got = new byte[dst[i].limit() - 5];
                        dst[i].get(5, got);
                        byte[] want = new byte[got.length];
                        System.arraycopy(data, at, want, 0, want.length);
                        assertArrayEquals(want, got, parts + " parts, direct " + direct + ", part " + i);
                        at += got.length;
                    }
                }
            }
            ByteBuffer[] past = {ByteBuffer.allocateDirect(MiB), ByteBuffer.allocateDirect(MiB)};
            IOException e = assertThrows(IOException.class, () -> device.read(7 * MiB, past));
            assertEquals(true, e.getMessage().contains("past the end"), e.getMessage());
        }
    }
}
