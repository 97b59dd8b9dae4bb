package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;

/**
 * Ready To Transfer (RFC 7143 §11.8): asks for {@code desiredDataTransferLength} bytes of Data-Out
 * at {@code bufferOffset}, to be sent with {@code targetTransferTag}. StatSN is not advanced by an
 * R2T; it carries the next StatSN.
 */
public record R2t(long lun, int initiatorTaskTag, int targetTransferTag, int statSN, int expCmdSN, int maxCmdSN,
                  int r2tSN, int bufferOffset, int desiredDataTransferLength) implements Pdu {

    static R2t decode(ByteBuf bhs) {
        return new R2t(bhs.getLong(LUN), bhs.getInt(INITIATOR_TASK_TAG), bhs.getInt(TARGET_TRANSFER_TAG),
                bhs.getInt(STAT_SN), bhs.getInt(EXP_CMD_SN), bhs.getInt(MAX_CMD_SN), bhs.getInt(R2T_SN),
                bhs.getInt(BUFFER_OFFSET), bhs.getInt(DESIRED_DATA_TRANSFER_LENGTH));
    }

    @Override
    public Opcode opcode() {
        return Opcode.R2T;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL);
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(TARGET_TRANSFER_TAG, targetTransferTag);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
        bhs.setInt(R2T_SN, r2tSN);
        bhs.setInt(BUFFER_OFFSET, bufferOffset);
        bhs.setInt(DESIRED_DATA_TRANSFER_LENGTH, desiredDataTransferLength);
    }
}
