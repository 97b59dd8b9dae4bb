package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;

/**
 * Logout Request (RFC 7143 §11.14).
 *
 * @param reasonCode {@link #CLOSE_SESSION}, {@link #CLOSE_CONNECTION} or
 *                   {@link #REMOVE_CONNECTION_FOR_RECOVERY}
 * @param cid        the connection to close (not for {@link #CLOSE_SESSION})
 */
public record LogoutRequest(boolean immediate, int reasonCode, int initiatorTaskTag, int cid, int cmdSN,
                            int expStatSN) implements Pdu {

    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_CONNECTION_FOR_RECOVERY = 2;

    static LogoutRequest decode(ByteBuf bhs) {
        return new LogoutRequest(isImmediate(bhs), bhs.getByte(FLAGS) & FUNCTION_MASK,
                bhs.getInt(INITIATOR_TASK_TAG), bhs.getUnsignedShort(CID), bhs.getInt(CMD_SN),
                bhs.getInt(EXP_STAT_SN));
    }

    @Override
    public Opcode opcode() {
        return Opcode.LOGOUT_REQUEST;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL | reasonCode & FUNCTION_MASK);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setShort(CID, cid);
        bhs.setInt(CMD_SN, cmdSN);
        bhs.setInt(EXP_STAT_SN, expStatSN);
    }
}
