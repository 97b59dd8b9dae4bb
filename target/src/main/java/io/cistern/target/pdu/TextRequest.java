package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Text Request (RFC 7143 §11.10). {@code content} holds text key=value pairs, owned by this PDU.
 *
 * @param isContinue the C bit: the text continues in the next Text Request
 */
public record TextRequest(boolean immediate, boolean isFinal, boolean isContinue, long lun,
                          int initiatorTaskTag, int targetTransferTag, int cmdSN, int expStatSN,
                          ByteBuf content) implements DataPdu {

    public TextRequest {
        Objects.requireNonNull(content, "content");
    }

    static TextRequest decode(ByteBuf bhs, ByteBuf content) {
        return new TextRequest(isImmediate(bhs), flag(bhs, FINAL), flag(bhs, CONTINUE), bhs.getLong(LUN),
                bhs.getInt(INITIATOR_TASK_TAG), bhs.getInt(TARGET_TRANSFER_TAG), bhs.getInt(CMD_SN),
                bhs.getInt(EXP_STAT_SN), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.TEXT_REQUEST;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, bit(isFinal, FINAL) | bit(isContinue, CONTINUE));
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(TARGET_TRANSFER_TAG, targetTransferTag);
        bhs.setInt(CMD_SN, cmdSN);
        bhs.setInt(EXP_STAT_SN, expStatSN);
    }

    @Override
    public TextRequest replace(ByteBuf content) {
        return new TextRequest(immediate, isFinal, isContinue, lun, initiatorTaskTag, targetTransferTag,
                cmdSN, expStatSN, content);
    }
}
