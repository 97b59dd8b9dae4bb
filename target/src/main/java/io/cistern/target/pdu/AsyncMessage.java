package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Asynchronous Message (RFC 7143 §11.9); its ITT is always 0xffffffff. {@code content} is
 * SenseLength, sense data and iSCSI event data (SCSI async events), or empty; owned by this PDU.
 *
 * @param asyncEvent one of the event constants below
 * @param parameter1 meaning depends on the event (e.g. CID, Time2Wait, Time2Retain)
 */
public record AsyncMessage(long lun, int statSN, int expCmdSN, int maxCmdSN, int asyncEvent, int asyncVCode,
                           int parameter1, int parameter2, int parameter3, ByteBuf content) implements DataPdu {

    public static final int SCSI_ASYNC_EVENT = 0;
    public static final int LOGOUT_REQUESTED = 1;
    public static final int CONNECTION_DROP = 2;
    public static final int SESSION_DROP = 3;
    public static final int NEGOTIATION_REQUESTED = 4;
    public static final int TASK_TERMINATION = 5;
    public static final int VENDOR_SPECIFIC = 255;

    public AsyncMessage {
        Objects.requireNonNull(content, "content");
    }

    static AsyncMessage decode(ByteBuf bhs, ByteBuf content) {
        return new AsyncMessage(bhs.getLong(LUN), bhs.getInt(STAT_SN), bhs.getInt(EXP_CMD_SN),
                bhs.getInt(MAX_CMD_SN), bhs.getUnsignedByte(ASYNC_EVENT), bhs.getUnsignedByte(ASYNC_VCODE),
                bhs.getUnsignedShort(PARAMETER1), bhs.getUnsignedShort(PARAMETER2),
                bhs.getUnsignedShort(PARAMETER3), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.ASYNC_MESSAGE;
    }

    @Override
    public int initiatorTaskTag() {
        return RESERVED_TAG;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL);
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, RESERVED_TAG);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
        bhs.setByte(ASYNC_EVENT, asyncEvent);
        bhs.setByte(ASYNC_VCODE, asyncVCode);
        bhs.setShort(PARAMETER1, parameter1);
        bhs.setShort(PARAMETER2, parameter2);
        bhs.setShort(PARAMETER3, parameter3);
    }

    @Override
    public AsyncMessage replace(ByteBuf content) {
        return new AsyncMessage(lun, statSN, expCmdSN, maxCmdSN, asyncEvent, asyncVCode, parameter1, parameter2,
                parameter3, content);
    }
}
