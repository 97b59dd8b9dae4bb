package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * GET LBA STATUS (SBC-3 5.5), service action 12h of SERVICE ACTION IN(16): one descriptor, the
 * extent the backend reports from the starting LBA (SBC-3 allows returning fewer than all).
 */
public final class GetLbaStatus implements Command {

    private static final int MAPPED = 0, DEALLOCATED = 1;

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LunBackend backend = task.unit().backend();
        long lba = Fields.u64(task.cdb(), 2);
        int allocationLength = Fields.clamp(Fields.u32(task.cdb(), 10));
        if (lba < 0 || lba >= backend.blockCount()) {
            throw new CheckCondition(Sense.LBA_OUT_OF_RANGE.withInformation(lba));
        }
        return backend.lbaStatus(lba).thenCompose(extent -> {
            ByteBuf b = task.alloc().buffer(24);
            b.writeInt(4 + 16).writeInt(0)
                    .writeLong(extent.lba())
                    .writeInt((int) Math.min(extent.blocks(), 0xFFFFFFFFL))
                    .writeByte(extent.mapped() ? MAPPED : DEALLOCATED)
                    .writeZero(3);
            return Task.dataIn(b, allocationLength);
        });
    }
}
