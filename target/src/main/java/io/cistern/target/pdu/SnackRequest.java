package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;

/**
 * SNACK Request (RFC 7143 §11.16): asks the target to resend Data-In, R2Ts or responses.
 *
 * @param type      {@link #DATA_R2T}, {@link #STATUS}, {@link #DATA_ACK} or {@link #R_DATA}
 * @param snackTag  the TTT of the acknowledged Data-In (DataACK) or the SNACK Tag (R-Data)
 * @param begRun    first DataSN, R2TSN or StatSN to resend
 * @param runLength how many; 0 for all from {@code begRun} on
 */
public record SnackRequest(int type, long lun, int initiatorTaskTag, int snackTag, int expStatSN,
                           int begRun, int runLength) implements Pdu {

    public static final int DATA_R2T = 0;
    public static final int STATUS = 1;
    public static final int DATA_ACK = 2;
    public static final int R_DATA = 3;

    static SnackRequest decode(ByteBuf bhs) {
        return new SnackRequest(bhs.getByte(FLAGS) & SNACK_TYPE_MASK, bhs.getLong(LUN),
                bhs.getInt(INITIATOR_TASK_TAG), bhs.getInt(SNACK_TAG), bhs.getInt(EXP_STAT_SN),
                bhs.getInt(BEG_RUN), bhs.getInt(RUN_LENGTH));
    }

    @Override
    public Opcode opcode() {
        return Opcode.SNACK_REQUEST;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL | type & SNACK_TYPE_MASK);
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(SNACK_TAG, snackTag);
        bhs.setInt(EXP_STAT_SN, expStatSN);
        bhs.setInt(BEG_RUN, begRun);
        bhs.setInt(RUN_LENGTH, runLength);
    }
}
