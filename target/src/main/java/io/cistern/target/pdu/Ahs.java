package io.cistern.target.pdu;

import io.netty.buffer.ByteBuf;
import java.util.OptionalInt;

/**
 * Additional Header Segments (RFC 7143 §11.2.2), which only a SCSI Command carries: the extended
 * CDB (type 1) and the bidirectional read Expected Data Transfer Length (type 2). Each AHS is
 * AHSLength (2 bytes, counting from byte 3, padding excluded), AHSType, a reserved byte and the
 * value, padded to 4 bytes.
 */
public final class Ahs {

    private static final int HEADER = 3;
    private static final int BIDI_AHS_LENGTH = 5;

    private Ahs() {
    }

    /**
     * True if the {@code ahs} bytes (readable, whole segments) are a well-formed list of AHSs of
     * the two known types, each at most once.
     */
    public static boolean valid(ByteBuf ahs) {
        boolean[] seen = new boolean[3];
        int i = ahs.readerIndex();
        while (i < ahs.writerIndex()) {
            if (ahs.writerIndex() - i < 4) {
                return false;
            }
            int length = ahs.getUnsignedShort(i);
            int type = ahs.getUnsignedByte(i + 2);
            boolean known = type == Bhs.AHS_EXTENDED_CDB && length >= 2
                    || type == Bhs.AHS_BIDI_READ_LENGTH && length == BIDI_AHS_LENGTH;
            int size = padded(HEADER + length);
            if (!known || seen[type] || size > ahs.writerIndex() - i) {
                return false;
            }
            seen[type] = true;
            i += size;
        }
        return true;
    }

    /** The extended CDB bytes of a {@link #valid} AHS, or an empty array. */
    static byte[] extendedCdb(ByteBuf ahs) {
        int i = find(ahs, Bhs.AHS_EXTENDED_CDB);
        byte[] cdb = new byte[i < 0 ? 0 : ahs.getUnsignedShort(i) - 1];
        if (i >= 0) {
            ahs.getBytes(i + 4, cdb);
        }
        return cdb;
    }

    /** The bidirectional read Expected Data Transfer Length of a {@link #valid} AHS. */
    static OptionalInt bidiReadLength(ByteBuf ahs) {
        int i = find(ahs, Bhs.AHS_BIDI_READ_LENGTH);
        return i < 0 ? OptionalInt.empty() : OptionalInt.of(ahs.getInt(i + 4));
    }

    /** The total AHS length for these values. */
    static int length(int extendedCdbLength, OptionalInt bidiReadLength) {
        return (extendedCdbLength == 0 ? 0 : padded(HEADER + 1 + extendedCdbLength))
                + (bidiReadLength.isPresent() ? 8 : 0);
    }

    static void write(ByteBuf out, byte[] cdb, OptionalInt bidiReadLength) {
        int extended = cdb.length - Bhs.CDB_LENGTH;
        if (extended > 0) {
            out.writeShort(extended + 1).writeByte(Bhs.AHS_EXTENDED_CDB).writeByte(0);
            out.writeBytes(cdb, Bhs.CDB_LENGTH, extended).writeZero(Bhs.padding(extended));
        }
        if (bidiReadLength.isPresent()) {
            out.writeShort(BIDI_AHS_LENGTH).writeByte(Bhs.AHS_BIDI_READ_LENGTH).writeByte(0);
            out.writeInt(bidiReadLength.getAsInt());
        }
    }

    private static int find(ByteBuf ahs, int type) {
        for (int i = ahs.readerIndex(); i < ahs.writerIndex(); i += padded(HEADER + ahs.getUnsignedShort(i))) {
            if (ahs.getUnsignedByte(i + 2) == type) {
                return i;
            }
        }
        return -1;
    }

    private static int padded(int length) {
        return length + Bhs.padding(length);
    }
}
