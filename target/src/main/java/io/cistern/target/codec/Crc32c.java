package io.cistern.target.codec;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * iSCSI header and data digests (RFC 7143 §11.2.3, §13.1): CRC32C over the bytes, the data digest
 * including the segment's padding. The digest travels least significant byte first, as RFC 3720
 * Appendix B.4's examples show.
 */
final class Crc32c {

    private static final byte[] ZEROS = new byte[3];

    private Crc32c() {
    }

    /** CRC32C of the header parts, in order. */
    static int of(byte[] bhs, byte[] ahs) {
        CRC32C crc = new CRC32C();
        crc.update(bhs);
        crc.update(ahs);
        return (int) crc.getValue();
    }

    /** CRC32C of {@code length} bytes of {@code buf} at {@code index}, then {@code padding} zeros. */
    static int of(ByteBuf buf, int index, int length, int padding) {
        CRC32C crc = new CRC32C();
        for (ByteBuffer nio : buf.nioBuffers(index, length)) {
            crc.update(nio);
        }
        crc.update(ZEROS, 0, padding);
        return (int) crc.getValue();
    }
}
