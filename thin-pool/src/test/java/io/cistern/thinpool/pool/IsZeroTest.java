package io.cistern.thinpool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.compress.Compression;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class IsZeroTest {
    @Test
    void aZeroBlocksChecksumIsTheChecksumOfItsZeros() {
        for (int size : new int[] {1, 512, 4096, 4097, 131072, 1 << 20, 1 << 25}) {
            int crc = io.cistern.thinpool.csum.Crc32c.of(ByteBuffer.allocate(size));
            assertEquals(crc, BlockMap.zeroCrc(size), size + " bytes");
            assertEquals(crc, BlockMap.zeroCrc(size), size + " bytes, cached");
        }
    }

    @Test
    void aBlockIsAHoleOnlyIfAllZerosWhateverItsChecksum() {
        Compression off = Compression.parse("off");
        assertEquals(null, Stored.of(ByteBuffer.allocateDirect(4096), off));
        ByteBuffer one = ByteBuffer.allocate(4096).put(4095, (byte) 1);
        assertEquals(4096, Stored.of(one, off).length());
        assertEquals(null, Stored.of(ByteBuffer.allocate(8192), Compression.parse("lz4")));
    }

    @Test
    void anyNonZeroByteBetweenPositionAndLimitCountsAndNothingOutside() {
        for (int size : new int[] {0, 1, 7, 4096, 65536, 65537, 131072, 1 << 20}) {
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(size + 2), ByteBuffer.allocateDirect(size + 2)}) {
                b.put(0, (byte) 1).put(size + 1, (byte) 1); // just outside the range looked at
                ByteBuffer range = b.position(1).limit(size + 1);
                assertTrue(BlockMap.isZero(range), size + " zero bytes");
                assertEquals(1, range.position(), "the position is left alone");
                for (int at : new int[] {0, size / 2, size - 1}) {
                    if (size == 0) {
                        continue;
                    }
                    range.put(1 + at, (byte) 0x80);
                    assertFalse(BlockMap.isZero(range), "a byte at " + at + " of " + size);
                    range.put(1 + at, (byte) 0);
                }
            }
        }
    }
}
