package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * Reject (RFC 7143 §11.17); its ITT is always 0xffffffff. {@code content} is the complete header
 * (BHS) of the rejected PDU, owned by this PDU.
 *
 * @param reason  one of the reason constants below (§11.17.1)
 * @param dataSN  the DataSN/R2TSN to resend from, for a rejected SNACK; else 0
 */
public record Reject(int reason, int statSN, int expCmdSN, int maxCmdSN, int dataSN, ByteBuf content)
        implements DataPdu {

    public static final int DATA_DIGEST_ERROR = 0x02;
    public static final int SNACK_REJECT = 0x03;
    public static final int PROTOCOL_ERROR = 0x04;
    public static final int COMMAND_NOT_SUPPORTED = 0x05;
    public static final int IMMEDIATE_COMMAND_REJECT = 0x06;
    public static final int TASK_IN_PROGRESS = 0x07;
    public static final int INVALID_DATA_ACK = 0x08;
    public static final int INVALID_PDU_FIELD = 0x09;
    public static final int LONG_OPERATION_REJECT = 0x0a;
    public static final int WAITING_FOR_LOGOUT = 0x0c;

    public Reject {
        Objects.requireNonNull(content, "content");
    }

    /** Rejects the PDU whose 48-byte BHS is {@code rejectedHeader} (copied). */
    public static Reject of(int reason, byte[] rejectedHeader, int statSN, int expCmdSN, int maxCmdSN) {
        return new Reject(reason, statSN, expCmdSN, maxCmdSN, 0, Unpooled.copiedBuffer(rejectedHeader));
    }

    static Reject decode(ByteBuf bhs, ByteBuf content) {
        return new Reject(bhs.getUnsignedByte(REJECT_REASON), bhs.getInt(STAT_SN), bhs.getInt(EXP_CMD_SN),
                bhs.getInt(MAX_CMD_SN), bhs.getInt(DATA_SN), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.REJECT;
    }

    @Override
    public int initiatorTaskTag() {
        return RESERVED_TAG;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL);
        bhs.setByte(REJECT_REASON, reason);
        bhs.setInt(INITIATOR_TASK_TAG, RESERVED_TAG);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
        bhs.setInt(DATA_SN, dataSN);
    }

    @Override
    public Reject replace(ByteBuf content) {
        return new Reject(reason, statSN, expCmdSN, maxCmdSN, dataSN, content);
    }
}
