package io.cistern.target.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.ScsiCommandPdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** CRC32C and its byte order on the wire, checked against the examples of RFC 3720 Appendix B.4. */
class DigestTest {

    @Test
    void thirtyTwoZeros() {
        assertArrayEquals(bytes(0xaa, 0x36, 0x91, 0x8a), wire(new byte[32]));
    }

    @Test
    void thirtyTwoIncrementingBytes() {
        byte[] data = new byte[32];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertArrayEquals(bytes(0x4e, 0x79, 0xdd, 0x46), wire(data));
    }

    /** RFC 3720 B.4's header example (a WRITE(10) SCSI Command) with its digest, through the decoder. */
    @Test
    void rfcHeaderExampleDecodesWithHeaderDigest() {
        byte[] header = new byte[48];
        header[0] = 0x01;
        header[1] = (byte) 0xa0;
        header[16] = 0x04;
        header[17] = 0x05;
        header[21] = 0x01;
        header[27] = 0x05;
        header[31] = 0x04;
        header[32] = 0x2a;
        header[40] = (byte) 0x80;
        assertArrayEquals(bytes(0x93, 0x70, 0x51, 0xdb), wire(header));

        Wire wire = new Wire();
        wire.decoder.setHeaderDigest(true);
        wire.feed(header, 0, header.length);
        wire.feed(bytes(0x93, 0x70, 0x51, 0xdb), 0, 4);
        ScsiCommandPdu cmd = (ScsiCommandPdu) wire.readAll().get(0);
        assertTrue(cmd.isFinal() && cmd.write() && !cmd.read());
        assertEquals(0x04050000, cmd.initiatorTaskTag());
        assertEquals(65536, cmd.expectedDataTransferLength());
        assertEquals(5, cmd.cmdSN());
        assertEquals(4, cmd.expStatSN());
        assertEquals(0x2a, cmd.operationCode());
        cmd.release();
        wire.finish();
    }

    @Test
    void paddingCountsAsZeros() {
        byte[] data = new byte[29];
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        assertArrayEquals(wire(new byte[32]), le(Crc32c.of(buf, 0, 29, 3)));
    }

    /** The digest of {@code data} as the encoder writes it. */
    private static byte[] wire(byte[] data) {
        return le(Crc32c.of(Unpooled.wrappedBuffer(data), 0, data.length, 0));
    }

    private static byte[] le(int digest) {
        ByteBuf out = Unpooled.buffer(4).writeIntLE(digest);
        return out.array().clone();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
