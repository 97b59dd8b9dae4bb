package io.cistern.target.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Additional Header Segments: what is accepted, and the values read back. */
class AhsTest {

    @Test
    void bothTypesRoundTrip() {
        byte[] cdb = new byte[19];
        cdb[18] = 0x5a;
        ByteBuf ahs = Unpooled.buffer();
        Ahs.write(ahs, cdb, OptionalInt.of(4096));
        assertEquals(Ahs.length(3, OptionalInt.of(4096)), ahs.readableBytes());
        assertEquals(16, ahs.readableBytes());
        assertTrue(Ahs.valid(ahs));
        assertArrayEquals(new byte[] {0, 0, 0x5a}, Ahs.extendedCdb(ahs));
        assertEquals(OptionalInt.of(4096), Ahs.bidiReadLength(ahs));
    }

    @Test
    void emptyIsValidAndHoldsNothing() {
        assertTrue(Ahs.valid(Unpooled.EMPTY_BUFFER));
        assertEquals(0, Ahs.extendedCdb(Unpooled.EMPTY_BUFFER).length);
        assertEquals(OptionalInt.empty(), Ahs.bidiReadLength(Unpooled.EMPTY_BUFFER));
    }

    @Test
    void malformedIsRefused() {
        assertFalse(valid(0, 5, 2, 0, 0, 0, 16, 0, 0, 5, 2, 0, 0, 0, 16, 0), "bidi length twice");
        assertFalse(valid(0, 5, 3, 0, 0, 0, 16, 0), "unknown type");
        assertFalse(valid(0, 4, 2, 0, 0, 0, 16, 0), "bidi AHSLength must be 5");
        assertFalse(valid(0, 9, 1, 0, 1, 2, 3, 4), "extended CDB longer than the segment");
        assertFalse(valid(0, 1, 1, 0), "extended CDB of no bytes");
        assertTrue(valid(0, 2, 1, 0, 9, 0, 0, 0), "extended CDB of one byte, padded");
    }

    private static boolean valid(int... bytes) {
        ByteBuf ahs = Unpooled.buffer();
        for (int b : bytes) {
            ahs.writeByte(b);
        }
        return Ahs.valid(ahs);
    }
}
