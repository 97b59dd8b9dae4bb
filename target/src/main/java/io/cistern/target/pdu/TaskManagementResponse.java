package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;

/**
 * Task Management Function Response (RFC 7143 §11.6).
 *
 * @param response one of the response constants below
 */
public record TaskManagementResponse(int response, int initiatorTaskTag, int statSN, int expCmdSN,
                                     int maxCmdSN) implements Pdu {

    public static final int FUNCTION_COMPLETE = 0;
    public static final int TASK_DOES_NOT_EXIST = 1;
    public static final int LUN_DOES_NOT_EXIST = 2;
    public static final int TASK_STILL_ALLEGIANT = 3;
    public static final int TASK_ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED = 4;
    public static final int FUNCTION_NOT_SUPPORTED = 5;
    public static final int FUNCTION_AUTHORIZATION_FAILED = 6;
    public static final int FUNCTION_REJECTED = 255;

    static TaskManagementResponse decode(ByteBuf bhs) {
        return new TaskManagementResponse(bhs.getUnsignedByte(RESPONSE), bhs.getInt(INITIATOR_TASK_TAG),
                bhs.getInt(STAT_SN), bhs.getInt(EXP_CMD_SN), bhs.getInt(MAX_CMD_SN));
    }

    @Override
    public Opcode opcode() {
        return Opcode.TASK_MANAGEMENT_RESPONSE;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL);
        bhs.setByte(RESPONSE, response);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
    }
}
