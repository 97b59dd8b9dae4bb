package io.cistern.target.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class MemoryBackendTest {

    private final MemoryBackend backend = new MemoryBackend(1024, 512); // 8 blocks per grain

    private void write(long lba, int blocks, int value) {
        byte[] bytes = new byte[blocks * 512];
        java.util.Arrays.fill(bytes, (byte) value);
        ByteBuf data = Unpooled.wrappedBuffer(bytes);
        backend.write(lba, data, false).join();
        data.release();
    }

    private byte[] read(long lba, int blocks) {
        ByteBuf buf = backend.read(lba, blocks).join();
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void sparseUntilWritten() {
        assertEquals(0, backend.allocatedGrains());
        assertArrayEquals(new byte[4 * 512], read(100, 4));
        write(6, 4, 7); // spans two grains
        assertEquals(2, backend.allocatedGrains());
        assertEquals(7, read(9, 1)[511]);
    }

    @Test
    void unmapFreesWholeGrainsAndZeroesPartialOnes() {
        write(0, 16, 9);
        backend.unmap(4, 12).join();
        assertEquals(1, backend.allocatedGrains());
        assertArrayEquals(new byte[12 * 512], read(4, 12));
        assertEquals(9, read(3, 1)[0]);
        LunBackend.LbaStatus first = backend.lbaStatus(0).join();
        assertTrue(first.mapped());
        assertEquals(8, first.blocks());
        LunBackend.LbaStatus rest = backend.lbaStatus(8).join();
        assertFalse(rest.mapped());
        assertEquals(1024 - 8, rest.blocks());
    }

    @Test
    void outOfRangeFails() {
        assertTrue(backend.read(1020, 8).isCompletedExceptionally());
    }
}
