package io.cistern.target.scsi.spc;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** REPORT LUNS (SPC-4 6.33): the LUNs visible to the asking initiator. No well-known LUs exist. */
public final class ReportLuns implements Command {

    private static final int WELL_KNOWN_ONLY = 0x01;

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        int selectReport = Fields.u8(cdb, 2);
        long allocationLength = Fields.u32(cdb, 6);
        if (selectReport > 0x02 || allocationLength < 16) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        List<Long> luns = selectReport == WELL_KNOWN_ONLY ? List.of() : task.device().visibleLuns(task.nexus());
        ByteBuf b = task.alloc().buffer(8 + 8 * luns.size());
        b.writeInt(8 * luns.size()).writeInt(0);
        for (long lun : luns) {
            b.writeShort(encode(lun)).writeZero(6);
        }
        return Task.dataIn(b, Fields.clamp(allocationLength));
    }

    /** Peripheral device addressing below 256, flat space addressing above (SAM-5 4.7). */
    static int encode(long lun) {
        return lun < 256 ? (int) lun : 0x4000 | (int) (lun & 0x3FFF);
    }
}
