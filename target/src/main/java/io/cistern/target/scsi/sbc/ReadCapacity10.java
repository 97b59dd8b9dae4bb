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

/** READ CAPACITY(10) (SBC-3 5.15): FFFFFFFFh when the last LBA does not fit, pointing at READ CAPACITY(16). */
public final class ReadCapacity10 implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        boolean pmi = (cdb[8] & 0x01) != 0;
        if (!pmi && Fields.u32(cdb, 2) != 0) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        LunBackend backend = task.unit().backend();
        long last = backend.blockCount() - 1;
        ByteBuf b = task.alloc().buffer(8);
        b.writeInt((int) Math.min(last, 0xFFFFFFFFL)).writeInt(backend.blockSize());
        return Task.dataIn(b, 8);
    }
}
