package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * SCSI Data-Out (RFC 7143 §11.7): write data, solicited by an R2T (TTT from it) or unsolicited
 * (TTT 0xffffffff). {@code content} is the data, owned by this PDU.
 */
public record DataOut(boolean isFinal, long lun, int initiatorTaskTag, int targetTransferTag,
                      int expStatSN, int dataSN, int bufferOffset, ByteBuf content) implements DataPdu {

    public DataOut {
        Objects.requireNonNull(content, "content");
    }

    static DataOut decode(ByteBuf bhs, ByteBuf content) {
        return new DataOut(flag(bhs, FINAL), bhs.getLong(LUN), bhs.getInt(INITIATOR_TASK_TAG),
                bhs.getInt(TARGET_TRANSFER_TAG), bhs.getInt(EXP_STAT_SN), bhs.getInt(DATA_SN),
                bhs.getInt(BUFFER_OFFSET), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.DATA_OUT;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, bit(isFinal, FINAL));
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(TARGET_TRANSFER_TAG, targetTransferTag);
        bhs.setInt(EXP_STAT_SN, expStatSN);
        bhs.setInt(DATA_SN, dataSN);
        bhs.setInt(BUFFER_OFFSET, bufferOffset);
    }

    @Override
    public DataOut replace(ByteBuf content) {
        return new DataOut(isFinal, lun, initiatorTaskTag, targetTransferTag, expStatSN, dataSN, bufferOffset,
                content);
    }
}
