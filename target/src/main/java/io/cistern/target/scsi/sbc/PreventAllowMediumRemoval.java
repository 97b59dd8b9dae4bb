package io.cistern.target.scsi.sbc;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import java.util.concurrent.CompletionStage;

/**
 * PREVENT ALLOW MEDIUM REMOVAL (SBC-3 5.13): the medium is not removable (RMB=0), so there is
 * nothing to lock; PREVENT values 2 and 3 belong to medium changers and are invalid here.
 */
public final class PreventAllowMediumRemoval implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        if ((task.cdb()[4] & 0x03) > 1) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        return Task.good();
    }
}
