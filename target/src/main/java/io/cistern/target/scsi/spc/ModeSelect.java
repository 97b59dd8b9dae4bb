package io.cistern.target.scsi.spc;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.LogicalUnit;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.ua.UnitAttention;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.concurrent.CompletionStage;

/**
 * MODE SELECT(6) and MODE SELECT(10) (SPC-4 6.9, 6.10). Every page sent must equal the current
 * page except in changeable bits; only then is anything applied (all or nothing).
 */
public final class ModeSelect implements Command {

    private final boolean ten;

    public ModeSelect(boolean ten) {
        this.ten = ten;
    }

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        if ((cdb[1] & 0x01) != 0) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB); // SP: parameters cannot be saved
        }
        int length = ten ? Fields.u16(cdb, 7) : Fields.u8(cdb, 4);
        if (length == 0) {
            return Task.good();
        }
        byte[] list = ByteBufUtil.getBytes(task.dataOut(length));
        int headerLength = ten ? 8 : 4;
        if (length < headerLength) {
            throw new CheckCondition(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        int descriptorLength = ten ? Fields.u16(list, 6) : Fields.u8(list, 3);
        int at = headerLength + descriptorLength;
        if (at > length) {
            throw new CheckCondition(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        LogicalUnit unit = task.unit();
        checkBlockDescriptor(list, headerLength, descriptorLength, unit.backend().blockSize());
        Boolean wce = null;
        while (at < length) {
            if (at + 2 > length) {
                throw new CheckCondition(Sense.PARAMETER_LIST_LENGTH_ERROR);
            }
            int code = list[at] & 0x3F;
            int pageLength = Fields.u8(list, at + 1);
            if ((list[at] & 0x40) != 0 || !ModePages.exists(code)) {
                throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
            }
            byte[] current = ModePages.page(code, ModePages.CURRENT, unit.mode());
            byte[] changeable = ModePages.page(code, ModePages.CHANGEABLE, unit.mode());
            if (pageLength != current.length - 2) {
                throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
            }
            if (at + current.length > length) {
                throw new CheckCondition(Sense.PARAMETER_LIST_LENGTH_ERROR);
            }
            for (int i = 2; i < current.length; i++) {
                if (((list[at + i] ^ current[i]) & ~changeable[i]) != 0) {
                    throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
                }
            }
            if (code == ModePages.CACHING) {
                wce = (list[at + 2] & 0x04) != 0;
            }
            at += current.length;
        }
        if (wce != null && wce != unit.mode().writeCacheEnabled()) {
            unit.mode().writeCacheEnabled(wce);
            unit.unitAttentions().establishForOthers(task.nexus(), UnitAttention.MODE_PARAMETERS_CHANGED);
        }
        return Task.good();
    }

    /** A block descriptor may be sent back, but must not change the block length. */
    private static void checkBlockDescriptor(byte[] list, int at, int length, int blockSize) {
        if (length == 0) {
            return;
        }
        if (length != 8 && length != 16) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        long blockLength = length == 8 ? Fields.u24(list, at + 5) : Fields.u32(list, at + 12);
        if (blockLength != 0 && blockLength != blockSize) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
    }
}
