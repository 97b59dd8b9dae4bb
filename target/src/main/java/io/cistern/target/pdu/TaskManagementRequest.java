package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;

/**
 * Task Management Function Request (RFC 7143 §11.5).
 *
 * @param function one of the function constants below
 */
public record TaskManagementRequest(boolean immediate, int function, long lun, int initiatorTaskTag,
                                    int referencedTaskTag, int cmdSN, int expStatSN, int refCmdSN,
                                    int expDataSN) implements Pdu {

    public static final int ABORT_TASK = 1;
    public static final int ABORT_TASK_SET = 2;
    public static final int CLEAR_ACA = 3;
    public static final int CLEAR_TASK_SET = 4;
    public static final int LOGICAL_UNIT_RESET = 5;
    public static final int TARGET_WARM_RESET = 6;
    public static final int TARGET_COLD_RESET = 7;
    public static final int TASK_REASSIGN = 8;

    static TaskManagementRequest decode(ByteBuf bhs) {
        return new TaskManagementRequest(isImmediate(bhs), bhs.getByte(FLAGS) & FUNCTION_MASK, bhs.getLong(LUN),
                bhs.getInt(INITIATOR_TASK_TAG), bhs.getInt(REFERENCED_TASK_TAG), bhs.getInt(CMD_SN),
                bhs.getInt(EXP_STAT_SN), bhs.getInt(REF_CMD_SN), bhs.getInt(EXP_DATA_SN));
    }

    @Override
    public Opcode opcode() {
        return Opcode.TASK_MANAGEMENT_REQUEST;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL | function & FUNCTION_MASK);
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(REFERENCED_TASK_TAG, referencedTaskTag);
        bhs.setInt(CMD_SN, cmdSN);
        bhs.setInt(EXP_STAT_SN, expStatSN);
        bhs.setInt(REF_CMD_SN, refCmdSN);
        bhs.setInt(EXP_DATA_SN, expDataSN);
    }
}
