package io.cistern.thinpool.meta;

import io.cistern.thinpool.compress.Codec;
import java.nio.ByteBuffer;

/**
 * One version of one block: where its bytes are on the device, how many are stored, and their
 * CRC32C. A length of 0 is a hole: the block was unmapped (or written with zeros) while an older
 * version is still kept for a snapshot or an origin, and reads as zeros.
 *
 * <p>A raw block ({@link Codec#RAW}) occupies its own extent at {@code offset}: encoded as 16 bytes,
 * u64 offset, u32 length, u32 crc. A compressed block is a fragment inside a packed extent: then
 * {@code offset} is the extent's (what is allocated, reference counted and freed whole), the
 * fragment starts {@code fragmentOffset} bytes into it, and the extent is {@code extentUnits}
 * allocation units long; encoded as the 20 bytes of {@link PackedMapping}. The value's length
 * tells the two apart.
 */
public record Mapping(long offset, int length, int crc, int fragmentOffset, int extentUnits, Codec codec) {
    public static final int BYTES = 16;
    public static final Mapping HOLE = new Mapping(0, 0, 0);

    /** A raw block (or, with length 0, a hole). */
    public Mapping(long offset, int length, int crc) {
        this(offset, length, crc, 0, 0, Codec.RAW);
    }

    public boolean hole() {
        return length == 0;
    }

    /** True for a compressed fragment in a packed extent. */
    public boolean packed() {
        return codec != Codec.RAW;
    }

    /** The device offset of the stored bytes' first byte. */
    public long address() {
        return offset + fragmentOffset;
    }

    /** The bytes of the extent this block holds an owner of: freed whole when its last owner goes. */
    public long extentBytes(long unit) {
        return packed() ? (long) extentUnits * unit : length;
    }

    public byte[] encode() {
        if (packed()) {
            return new PackedMapping(offset, length, crc, fragmentOffset, extentUnits, codec).encode();
        }
        return ByteBuffer.allocate(BYTES).putLong(offset).putInt(length).putInt(crc).array();
    }

    /** Decodes a map value of either form. */
    public static Mapping decode(byte[] b) {
        if (PackedMapping.isPacked(b)) {
            PackedMapping p = PackedMapping.decode(b);
            return new Mapping(p.extentOffset(), p.length(), p.crc(), p.fragmentOffset(), p.extentUnits(), p.codec());
        }
        if (b.length != BYTES) {
            throw new IllegalArgumentException("mapping of " + b.length + " bytes, expected " + BYTES + " or "
                    + PackedMapping.BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        return new Mapping(in.getLong(), in.getInt(), in.getInt());
    }
}
