package io.cistern.thinpool.meta;

import io.cistern.thinpool.compress.Codec;
import java.nio.ByteBuffer;

/**
 * One version of one block stored compressed: a fragment at its real size inside a packed extent
 * (see {@code compress.Packer}). The extent, not the fragment, is what is allocated and reference
 * counted ({@link RefCounts} by {@link #extentOffset}): each mapping pointing into it is one owner,
 * and the extent is freed whole when its last owner goes. Packing never rewrites live data.
 *
 * <p>Encoded as 20 bytes, the 16 of a raw {@link Mapping} with the same field order, then 4 more;
 * a map value's length tells the two apart (16 raw or hole, 20 packed):
 * <pre>
 * u64 extentOffset   device byte offset of the packed extent (a multiple of the allocation unit)
 * u32 length         the fragment's bytes as stored (less than the block: at least 1/8 saved)
 * u32 crc            CRC32C of the fragment as stored (scrub checks it without decompressing)
 * u16 fragmentOffset where the fragment starts inside the extent
 * u8  extentUnits    the extent's length in allocation units (1..255), freed whole
 * u8  codec          {@link Codec#id}; the high six bits are reserved, zero
 * </pre>
 * A compressed mapped block costs 25 + 20 = 45 bytes of map entry (a raw one 41), plus its share
 * of the extent's 13-byte refcount record ({@code 'R'}), absent when the extent holds one fragment.
 */
public record PackedMapping(long extentOffset, int length, int crc, int fragmentOffset, int extentUnits, Codec codec) {
    public static final int BYTES = 20;
    public static final int MAX_FRAGMENT_OFFSET = 0xFFFF;
    public static final int MAX_EXTENT_UNITS = 0xFF;

    public PackedMapping {
        if (extentOffset < 0 || length <= 0 || fragmentOffset < 0 || fragmentOffset > MAX_FRAGMENT_OFFSET
                || extentUnits < 1 || extentUnits > MAX_EXTENT_UNITS || codec == null || codec == Codec.RAW) {
            throw new IllegalArgumentException("bad packed mapping: extent " + extentOffset + " (" + extentUnits
                    + " units), fragment " + fragmentOffset + "+" + length + ", " + codec);
        }
    }

    /** True if a map value is a packed mapping (else a raw {@link Mapping}). */
    public static boolean isPacked(byte[] value) {
        return value.length == BYTES;
    }

    /** The device offset of the fragment's first byte. */
    public long fragmentAddress() {
        return extentOffset + fragmentOffset;
    }

    public long extentBytes(long unit) {
        return extentUnits * unit;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putLong(extentOffset).putInt(length).putInt(crc)
                .putShort((short) fragmentOffset).put((byte) extentUnits).put((byte) codec.id).array();
    }

    public static PackedMapping decode(byte[] b) {
        if (b.length != BYTES) {
            throw new IllegalArgumentException("packed mapping of " + b.length + " bytes, expected " + BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        long extent = in.getLong();
        int length = in.getInt();
        int crc = in.getInt();
        int fragmentOffset = Short.toUnsignedInt(in.getShort());
        int units = Byte.toUnsignedInt(in.get());
        int codec = Byte.toUnsignedInt(in.get());
        if ((codec & ~0x3) != 0) {
            throw new IllegalArgumentException("packed mapping with reserved codec bits set: " + codec);
        }
        return new PackedMapping(extent, length, crc, fragmentOffset, units, Codec.ofId(codec));
    }

    /** The extent a map value (raw or packed, not a hole) holds a reference on: its refcount key. */
    public static long extentOf(byte[] value) {
        return isPacked(value) ? decode(value).extentOffset() : Mapping.decode(value).offset();
    }
}
