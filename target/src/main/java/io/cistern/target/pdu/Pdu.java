package io.cistern.target.pdu;

import io.netty.buffer.ByteBuf;

/**
 * An iSCSI PDU (RFC 7143 §11). Implementations are immutable records named after the RFC; those
 * with a data segment are {@link DataPdu}s and own a buffer.
 *
 * <p>Sequence numbers and lengths are unsigned 32-bit values carried in {@code int}s: compare
 * sequence numbers with serial number arithmetic, widen lengths with
 * {@link Integer#toUnsignedLong(int)}.
 */
public interface Pdu {

    Opcode opcode();

    /** The I bit: an immediate command (only initiator PDUs set it). */
    default boolean immediate() {
        return false;
    }

    /** The Initiator Task Tag, {@link Bhs#RESERVED_TAG} where none applies. */
    int initiatorTaskTag();

    /**
     * Writes this PDU's fields into a zero-filled BHS that starts at index 0 of {@code bhs}.
     * Byte 0 (opcode, I bit), TotalAHSLength and DataSegmentLength are the encoder's.
     */
    void writeBhs(ByteBuf bhs);

    /** The length of this PDU's Additional Header Segments, a multiple of 4. */
    default int totalAhsLength() {
        return 0;
    }

    /** Appends {@link #totalAhsLength()} bytes of AHS to {@code out}. */
    default void writeAhs(ByteBuf out) {
    }
}
