package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;

/**
 * Logout Response (RFC 7143 §11.15).
 *
 * @param response    {@link #CLOSED_SUCCESSFULLY}, {@link #CID_NOT_FOUND},
 *                    {@link #RECOVERY_NOT_SUPPORTED} or {@link #CLEANUP_FAILED}
 * @param time2Wait   seconds to wait before reconnecting for recovery
 * @param time2Retain seconds the target keeps the connection's tasks for recovery
 */
public record LogoutResponse(int response, int initiatorTaskTag, int statSN, int expCmdSN, int maxCmdSN,
                             int time2Wait, int time2Retain) implements Pdu {

    public static final int CLOSED_SUCCESSFULLY = 0;
    public static final int CID_NOT_FOUND = 1;
    public static final int RECOVERY_NOT_SUPPORTED = 2;
    public static final int CLEANUP_FAILED = 3;

    static LogoutResponse decode(ByteBuf bhs) {
        return new LogoutResponse(bhs.getUnsignedByte(RESPONSE), bhs.getInt(INITIATOR_TASK_TAG),
                bhs.getInt(STAT_SN), bhs.getInt(EXP_CMD_SN), bhs.getInt(MAX_CMD_SN),
                bhs.getUnsignedShort(TIME2WAIT), bhs.getUnsignedShort(TIME2RETAIN));
    }

    @Override
    public Opcode opcode() {
        return Opcode.LOGOUT_RESPONSE;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL);
        bhs.setByte(RESPONSE, response);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
        bhs.setShort(TIME2WAIT, time2Wait);
        bhs.setShort(TIME2RETAIN, time2Retain);
    }
}
