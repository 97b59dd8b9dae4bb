package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * SCSI Data-In (RFC 7143 §11.7). {@code content} is the read data, owned by this PDU. The last
 * Data-In of a command may carry its status ({@code statusPresent}, phase collapse), in which case
 * {@code statSN}, {@code status} and the residual fields are meaningful and no SCSI Response follows.
 *
 * @param acknowledge       the A bit: the initiator must acknowledge (DataACK SNACK), ERL ≥ 1 only
 * @param overflow          the O bit (with {@code statusPresent})
 * @param underflow         the U bit (with {@code statusPresent})
 * @param targetTransferTag 0xffffffff unless {@code acknowledge}
 */
public record DataIn(boolean isFinal, boolean acknowledge, boolean overflow, boolean underflow,
                     boolean statusPresent, int status, long lun, int initiatorTaskTag, int targetTransferTag,
                     int statSN, int expCmdSN, int maxCmdSN, int dataSN, int bufferOffset, int residualCount,
                     ByteBuf content) implements DataPdu {

    public DataIn {
        Objects.requireNonNull(content, "content");
    }

    /** A Data-In without status (not the final one, or followed by a SCSI Response). */
    public static DataIn data(boolean isFinal, long lun, int initiatorTaskTag, int expCmdSN, int maxCmdSN,
                              int dataSN, int bufferOffset, ByteBuf content) {
        return new DataIn(isFinal, false, false, false, false, 0, lun, initiatorTaskTag, RESERVED_TAG, 0,
                expCmdSN, maxCmdSN, dataSN, bufferOffset, 0, content);
    }

    /**
     * The final Data-In of a command, carrying its status.
     *
     * @param residual the Expected Data Transfer Length minus the bytes the command called for:
     *                 positive for an underflow, negative for an overflow
     */
    public static DataIn withStatus(int status, long residual, long lun, int initiatorTaskTag, int statSN,
                                    int expCmdSN, int maxCmdSN, int dataSN, int bufferOffset, ByteBuf content) {
        return new DataIn(true, false, residual < 0, residual > 0, true, status, lun, initiatorTaskTag,
                RESERVED_TAG, statSN, expCmdSN, maxCmdSN, dataSN, bufferOffset, (int) Math.abs(residual), content);
    }

    static DataIn decode(ByteBuf bhs, ByteBuf content) {
        return new DataIn(flag(bhs, FINAL), flag(bhs, ACKNOWLEDGE), flag(bhs, OVERFLOW), flag(bhs, UNDERFLOW),
                flag(bhs, STATUS_PRESENT), bhs.getUnsignedByte(STATUS), bhs.getLong(LUN),
                bhs.getInt(INITIATOR_TASK_TAG), bhs.getInt(TARGET_TRANSFER_TAG), bhs.getInt(STAT_SN),
                bhs.getInt(EXP_CMD_SN), bhs.getInt(MAX_CMD_SN), bhs.getInt(DATA_SN), bhs.getInt(BUFFER_OFFSET),
                bhs.getInt(RESIDUAL_COUNT), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.DATA_IN;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, bit(isFinal, FINAL) | bit(acknowledge, ACKNOWLEDGE) | bit(overflow, OVERFLOW)
                | bit(underflow, UNDERFLOW) | bit(statusPresent, STATUS_PRESENT));
        bhs.setByte(STATUS, status);
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(TARGET_TRANSFER_TAG, targetTransferTag);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
        bhs.setInt(DATA_SN, dataSN);
        bhs.setInt(BUFFER_OFFSET, bufferOffset);
        bhs.setInt(RESIDUAL_COUNT, residualCount);
    }

    @Override
    public DataIn replace(ByteBuf content) {
        return new DataIn(isFinal, acknowledge, overflow, underflow, statusPresent, status, lun, initiatorTaskTag,
                targetTransferTag, statSN, expCmdSN, maxCmdSN, dataSN, bufferOffset, residualCount, content);
    }
}
