package io.cistern.target.scsi.spc;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (SPC-4 6.37): ABORT TASK, ABORT TASK SET,
 * CLEAR TASK SET, LOGICAL UNIT RESET and TARGET RESET (warm); no ACA, no query functions.
 */
public final class ReportSupportedTaskManagementFunctions implements Command {

    private static final int ATS = 0x80, ATSS = 0x40, CTSS = 0x10, LURS = 0x08, TRS = 0x02, WAKES = 0x01;

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        boolean extended = (cdb[2] & 0x80) != 0; // REPD
        long allocationLength = Fields.u32(cdb, 6);
        if (allocationLength < 4) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        ByteBuf b = task.alloc().buffer(16);
        b.writeByte(ATS | ATSS | CTSS | LURS | TRS | WAKES).writeByte(0).writeByte(0);
        if (extended) {
            b.writeByte(0x0C).writeZero(12); // no TMF timeouts reported
        } else {
            b.writeByte(0);
        }
        return Task.dataIn(b, Fields.clamp(allocationLength));
    }
}
