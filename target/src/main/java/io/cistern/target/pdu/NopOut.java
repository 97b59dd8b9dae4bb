package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * NOP-Out (RFC 7143 §11.18): an initiator's ping (ITT valid, TTT 0xffffffff) or its answer to a
 * target's NOP-In (ITT 0xffffffff, TTT echoed). {@code content} is the ping data, owned by this PDU.
 */
public record NopOut(boolean immediate, long lun, int initiatorTaskTag, int targetTransferTag,
                     int cmdSN, int expStatSN, ByteBuf content) implements DataPdu {

    public NopOut {
        Objects.requireNonNull(content, "content");
    }

    static NopOut decode(ByteBuf bhs, ByteBuf content) {
        return new NopOut(isImmediate(bhs), bhs.getLong(LUN), bhs.getInt(INITIATOR_TASK_TAG),
                bhs.getInt(TARGET_TRANSFER_TAG), bhs.getInt(CMD_SN), bhs.getInt(EXP_STAT_SN), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.NOP_OUT;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL);
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(TARGET_TRANSFER_TAG, targetTransferTag);
        bhs.setInt(CMD_SN, cmdSN);
        bhs.setInt(EXP_STAT_SN, expStatSN);
    }

    @Override
    public NopOut replace(ByteBuf content) {
        return new NopOut(immediate, lun, initiatorTaskTag, targetTransferTag, cmdSN, expStatSN, content);
    }
}
