package io.cistern.target.scsi.spc;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.ua.UnitAttention;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletionStage;

/**
 * REQUEST SENSE (SPC-4 6.39): reports and clears the oldest pending unit attention, else NO SENSE.
 * Sense of earlier commands is never deferred here (autosense carries it), so nothing else is kept.
 */
public final class RequestSense implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        boolean descriptor = (cdb[1] & 0x01) != 0;
        int allocationLength = Fields.u8(cdb, 4);
        if ((cdb[1] & 0xFE) != 0) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        Sense sense;
        if (task.unit() == null) {
            sense = Sense.LOGICAL_UNIT_NOT_SUPPORTED;
        } else {
            sense = task.unit().unitAttentions().next(task.nexus())
                    .map(UnitAttention::sense).orElse(Sense.NO_ADDITIONAL);
        }
        return Task.dataIn(Unpooled.wrappedBuffer(sense.toBytes(descriptor)), allocationLength);
    }
}
