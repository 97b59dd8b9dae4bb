package io.cistern.thinpool.meta;

import java.nio.ByteBuffer;

/**
 * One version of one block: where its bytes are on the device, how many, and their CRC32C. A
 * length of 0 is a hole: the block was unmapped (or written with zeros) while an older version is
 * still kept for a snapshot or an origin, and reads as zeros. Encoded as 16 bytes:
 * u64 offset, u32 length, u32 crc.
 */
public record Mapping(long offset, int length, int crc) {
    public static final int BYTES = 16;
    public static final Mapping HOLE = new Mapping(0, 0, 0);

    public boolean hole() {
        return length == 0;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putLong(offset).putInt(length).putInt(crc).array();
    }

    public static Mapping decode(byte[] b) {
        if (b.length != BYTES) {
            throw new IllegalArgumentException("mapping of " + b.length + " bytes, expected " + BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        return new Mapping(in.getLong(), in.getInt(), in.getInt());
    }
}
