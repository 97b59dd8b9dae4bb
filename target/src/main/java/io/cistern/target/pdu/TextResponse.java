package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Text Response (RFC 7143 §11.11). {@code content} holds text key=value pairs, owned by this PDU.
 *
 * @param isContinue        the C bit: more text follows in the next Text Response
 * @param targetTransferTag 0xffffffff when the exchange is complete, else a tag the initiator echoes
 */
public record TextResponse(boolean isFinal, boolean isContinue, long lun, int initiatorTaskTag,
                           int targetTransferTag, int statSN, int expCmdSN, int maxCmdSN, ByteBuf content)
        implements DataPdu {

    public TextResponse {
        Objects.requireNonNull(content, "content");
    }

    static TextResponse decode(ByteBuf bhs, ByteBuf content) {
        return new TextResponse(flag(bhs, FINAL), flag(bhs, CONTINUE), bhs.getLong(LUN),
                bhs.getInt(INITIATOR_TASK_TAG), bhs.getInt(TARGET_TRANSFER_TAG), bhs.getInt(STAT_SN),
                bhs.getInt(EXP_CMD_SN), bhs.getInt(MAX_CMD_SN), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.TEXT_RESPONSE;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, bit(isFinal, FINAL) | bit(isContinue, CONTINUE));
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(TARGET_TRANSFER_TAG, targetTransferTag);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
    }

    @Override
    public TextResponse replace(ByteBuf content) {
        return new TextResponse(isFinal, isContinue, lun, initiatorTaskTag, targetTransferTag, statSN, expCmdSN,
                maxCmdSN, content);
    }
}
