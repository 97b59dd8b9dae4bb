package io.cistern.target.scsi.sbc;

import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import java.util.concurrent.CompletionStage;

/**
 * PRE-FETCH(10/16) (SBC-3 5.6, 5.7): there is no read cache to load, so after the range checks the
 * answer is GOOD (not CONDITION MET: SBC-3 lets a device server that caches nothing say GOOD).
 */
public final class PreFetch implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        BlockCdb.parse(task.cdb()).requireInRange(task.unit().backend());
        return Task.good();
    }
}
