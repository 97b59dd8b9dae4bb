package io.cistern.thinpool.csum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Crc32cTest {
    @Test
    void matchesTheStandardCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, Crc32c.of(check, 0, check.length)); // RFC 3720 B.4 check value
        assertEquals(0xE3069283, Crc32c.of(ByteBuffer.wrap(check)));
    }

    @Test
    void leavesTheBufferPositionAndDetectsAFlippedBit() {
        ByteBuffer b = ByteBuffer.allocate(4096);
        int clean = Crc32c.of(b);
        assertEquals(0, b.position());
        b.put(1234, (byte) 0x10);
        assertNotEquals(clean, Crc32c.of(b));
    }
}
