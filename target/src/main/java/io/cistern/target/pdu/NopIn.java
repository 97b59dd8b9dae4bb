package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * NOP-In (RFC 7143 §11.19): the answer to a NOP-Out ping (ITT echoed, TTT 0xffffffff) or the
 * target's own ping (ITT 0xffffffff, TTT valid, answered by a NOP-Out). {@code content} is the
 * ping data, owned by this PDU.
 */
public record NopIn(long lun, int initiatorTaskTag, int targetTransferTag, int statSN, int expCmdSN,
                    int maxCmdSN, ByteBuf content) implements DataPdu {

    public NopIn {
        Objects.requireNonNull(content, "content");
    }

    /**
     * The answer to {@code ping}, echoing its LUN, ITT and data. The answer takes its own reference
     * to the ping's data: the caller still releases {@code ping}.
     */
    public static NopIn answer(NopOut ping, int statSN, int expCmdSN, int maxCmdSN) {
        return new NopIn(ping.lun(), ping.initiatorTaskTag(), RESERVED_TAG, statSN, expCmdSN, maxCmdSN,
                ping.content().retainedSlice());
    }

    /** The target's own ping, without data; the initiator answers with a NOP-Out carrying {@code ttt}. */
    public static NopIn ping(int targetTransferTag, int statSN, int expCmdSN, int maxCmdSN) {
        return new NopIn(0, RESERVED_TAG, targetTransferTag, statSN, expCmdSN, maxCmdSN, Unpooled.EMPTY_BUFFER);
    }

    static NopIn decode(ByteBuf bhs, ByteBuf content) {
        return new NopIn(bhs.getLong(LUN), bhs.getInt(INITIATOR_TASK_TAG), bhs.getInt(TARGET_TRANSFER_TAG),
                bhs.getInt(STAT_SN), bhs.getInt(EXP_CMD_SN), bhs.getInt(MAX_CMD_SN), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.NOP_IN;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, FINAL);
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(TARGET_TRANSFER_TAG, targetTransferTag);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
    }

    @Override
    public NopIn replace(ByteBuf content) {
        return new NopIn(lun, initiatorTaskTag, targetTransferTag, statSN, expCmdSN, maxCmdSN, content);
    }
}
