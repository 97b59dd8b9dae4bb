package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * SCSI Response (RFC 7143 §11.4). {@code content} is SenseLength (2 bytes) plus sense data (see
 * {@link #senseSegment}), or empty; owned by this PDU.
 *
 * @param bidiOverflow   the o bit: bidirectional read residual overflow
 * @param bidiUnderflow  the u bit: bidirectional read residual underflow
 * @param overflow       the O bit: {@code residualCount} bytes were not transferred (too few expected)
 * @param underflow      the U bit: {@code residualCount} bytes fewer than expected were transferred
 * @param response       {@link #COMMAND_COMPLETED} or {@link #TARGET_FAILURE}
 * @param status         the SCSI status byte, meaningful when the command completed
 * @param snackTag       the SNACK Tag of an R-Data SNACK this answers, else 0
 * @param expDataSN      the number of Data-In (and R2T) PDUs sent for the command
 */
public record ScsiResponsePdu(boolean bidiOverflow, boolean bidiUnderflow, boolean overflow,
                              boolean underflow, int response, int status, int initiatorTaskTag,
                              int snackTag, int statSN, int expCmdSN, int maxCmdSN, int expDataSN,
                              int bidiReadResidualCount, int residualCount, ByteBuf content)
        implements DataPdu {

    public static final int COMMAND_COMPLETED = 0x00;
    public static final int TARGET_FAILURE = 0x01;

    public ScsiResponsePdu {
        Objects.requireNonNull(content, "content");
    }

    /**
     * A completed command's response, for commands that are not bidirectional.
     *
     * @param residual the Expected Data Transfer Length minus the bytes the command called for:
     *                 positive for an underflow, negative for an overflow
     * @param sense    sense data for CHECK CONDITION, or null
     */
    public static ScsiResponsePdu completed(int initiatorTaskTag, int status, byte[] sense, long residual,
                                            int statSN, int expCmdSN, int maxCmdSN, int expDataSN) {
        return new ScsiResponsePdu(false, false, residual < 0, residual > 0, COMMAND_COMPLETED, status,
                initiatorTaskTag, 0, statSN, expCmdSN, maxCmdSN, expDataSN, 0, (int) Math.abs(residual),
                sense == null ? Unpooled.EMPTY_BUFFER : senseSegment(sense));
    }

    /** The data segment for {@code sense}: SenseLength then the sense data (RFC 7143 §11.4.7). */
    public static ByteBuf senseSegment(byte[] sense) {
        return Unpooled.buffer(2 + sense.length).writeShort(sense.length).writeBytes(sense);
    }

    static ScsiResponsePdu decode(ByteBuf bhs, ByteBuf content) {
        return new ScsiResponsePdu(flag(bhs, BIDI_OVERFLOW), flag(bhs, BIDI_UNDERFLOW), flag(bhs, OVERFLOW),
                flag(bhs, UNDERFLOW), bhs.getUnsignedByte(RESPONSE), bhs.getUnsignedByte(STATUS),
                bhs.getInt(INITIATOR_TASK_TAG), bhs.getInt(SNACK_TAG), bhs.getInt(STAT_SN),
                bhs.getInt(EXP_CMD_SN), bhs.getInt(MAX_CMD_SN), bhs.getInt(EXP_DATA_SN),
                bhs.getInt(BIDI_READ_RESIDUAL_COUNT), bhs.getInt(RESIDUAL_COUNT), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_RESPONSE;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL | bit(bidiOverflow, BIDI_OVERFLOW) | bit(bidiUnderflow, BIDI_UNDERFLOW)
                | bit(overflow, OVERFLOW) | bit(underflow, UNDERFLOW));
        bhs.setByte(RESPONSE, response);
        bhs.setByte(STATUS, status);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(SNACK_TAG, snackTag);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
        bhs.setInt(EXP_DATA_SN, expDataSN);
        bhs.setInt(BIDI_READ_RESIDUAL_COUNT, bidiReadResidualCount);
        bhs.setInt(RESIDUAL_COUNT, residualCount);
    }

    @Override
    public ScsiResponsePdu replace(ByteBuf content) {
        return new ScsiResponsePdu(bidiOverflow, bidiUnderflow, overflow, underflow, response, status,
                initiatorTaskTag, snackTag, statSN, expCmdSN, maxCmdSN, expDataSN, bidiReadResidualCount,
                residualCount, content);
    }
}
