package io.cistern.target.pdu;

import io.netty.buffer.ByteBuf;

/**
 * Layout of the 48-byte Basic Header Segment (RFC 7143 §11.2.1): byte offsets, flag bits and
 * field values, in one place. Several PDUs put different fields at the same offset; each gets its
 * RFC name here so the PDU classes read like the RFC's diagrams.
 */
public final class Bhs {

    public static final int LENGTH = 48;
    public static final int DIGEST_LENGTH = 4;
    /** TotalAHSLength counts 4-byte words in one byte: at most 255 words. */
    public static final int MAX_AHS_LENGTH = 255 * 4;
    /** DataSegmentLength is a 3-byte field. */
    public static final int MAX_DATA_SEGMENT_LENGTH = 0xffffff;
    /** The reserved tag 0xffffffff (ITT of unsolicited NOP-In, Async Message, Reject; unused TTT). */
    public static final int RESERVED_TAG = 0xffffffff;

    // Offsets common to all PDUs.
    public static final int OPCODE = 0;
    public static final int FLAGS = 1;
    public static final int TOTAL_AHS_LENGTH = 4;
    public static final int DATA_SEGMENT_LENGTH = 5;
    public static final int LUN = 8;
    public static final int INITIATOR_TASK_TAG = 16;

    // Opcode-specific offsets, by the RFC's field names.
    public static final int VERSION_MAX = 2;
    public static final int VERSION_MIN = 3;
    public static final int VERSION_ACTIVE = 3;
    public static final int RESPONSE = 2;
    public static final int STATUS = 3;
    public static final int REJECT_REASON = 2;
    public static final int ISID = 8;
    public static final int TSIH = 14;
    public static final int TARGET_TRANSFER_TAG = 20;
    public static final int EXPECTED_DATA_TRANSFER_LENGTH = 20;
    public static final int REFERENCED_TASK_TAG = 20;
    public static final int CID = 20;
    public static final int SNACK_TAG = 20;
    public static final int CMD_SN = 24;
    public static final int STAT_SN = 24;
    public static final int EXP_STAT_SN = 28;
    public static final int EXP_CMD_SN = 28;
    public static final int MAX_CMD_SN = 32;
    public static final int CDB = 32;
    public static final int CDB_LENGTH = 16;
    public static final int REF_CMD_SN = 32;
    public static final int EXP_DATA_SN = 36;
    public static final int DATA_SN = 36;
    public static final int R2T_SN = 36;
    public static final int STATUS_CLASS = 36;
    public static final int STATUS_DETAIL = 37;
    public static final int ASYNC_EVENT = 36;
    public static final int ASYNC_VCODE = 37;
    public static final int PARAMETER1 = 38;
    public static final int PARAMETER2 = 40;
    public static final int PARAMETER3 = 42;
    public static final int BUFFER_OFFSET = 40;
    public static final int BEG_RUN = 40;
    public static final int TIME2WAIT = 40;
    public static final int TIME2RETAIN = 42;
    public static final int BIDI_READ_RESIDUAL_COUNT = 40;
    public static final int RESIDUAL_COUNT = 44;
    public static final int DESIRED_DATA_TRANSFER_LENGTH = 44;
    public static final int RUN_LENGTH = 44;

    // Byte 0.
    public static final int IMMEDIATE = 0x40;
    public static final int OPCODE_MASK = 0x3f;

    // Byte 1 flag bits; the same bit means different things in different PDUs.
    public static final int FINAL = 0x80;
    public static final int TRANSIT = 0x80;
    public static final int CONTINUE = 0x40;
    public static final int READ = 0x40;
    public static final int WRITE = 0x20;
    public static final int ATTR_MASK = 0x07;
    public static final int ACKNOWLEDGE = 0x40;
    public static final int BIDI_OVERFLOW = 0x10;
    public static final int BIDI_UNDERFLOW = 0x08;
    public static final int OVERFLOW = 0x04;
    public static final int UNDERFLOW = 0x02;
    public static final int STATUS_PRESENT = 0x01;
    public static final int CSG_MASK = 0x0c;
    public static final int CSG_SHIFT = 2;
    public static final int NSG_MASK = 0x03;
    /** Task management function, logout reason code: the low 7 bits of byte 1. */
    public static final int FUNCTION_MASK = 0x7f;
    public static final int SNACK_TYPE_MASK = 0x0f;

    // Login stages (CSG and NSG values).
    public static final int SECURITY_NEGOTIATION = 0;
    public static final int LOGIN_OPERATIONAL_NEGOTIATION = 1;
    public static final int FULL_FEATURE_PHASE = 3;

    // AHS types (RFC 7143 §11.2.2).
    public static final int AHS_EXTENDED_CDB = 1;
    public static final int AHS_BIDI_READ_LENGTH = 2;

    private Bhs() {
    }

    public static boolean flag(ByteBuf bhs, int bit) {
        return (bhs.getByte(FLAGS) & bit) != 0;
    }

    public static boolean isImmediate(ByteBuf bhs) {
        return (bhs.getByte(OPCODE) & IMMEDIATE) != 0;
    }

    /** {@code bit} if {@code set}, else 0: for composing byte 1. */
    public static int bit(boolean set, int bit) {
        return set ? bit : 0;
    }

    public static int dataSegmentLength(ByteBuf bhs) {
        return bhs.getUnsignedMedium(DATA_SEGMENT_LENGTH);
    }

    public static int totalAhsLength(ByteBuf bhs) {
        return bhs.getUnsignedByte(TOTAL_AHS_LENGTH) * 4;
    }

    /** Bytes of padding after a segment of {@code length} bytes, to a 4-byte boundary. */
    public static int padding(int length) {
        return -length & 3;
    }
}
