package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import java.util.concurrent.CompletionStage;

/** READ(6/10/12/16) (SBC-3 5.8-5.12). DPO and FUA need nothing: the backend has no read cache to bypass. */
public final class Read implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LunBackend backend = task.unit().backend();
        BlockCdb cdb = BlockCdb.parse(task.cdb()).requireNoProtection().requireInRange(backend);
        if (cdb.blocks() == 0) {
            return Task.good();
        }
        cdb.requireAtMost(BlockLimits.maxTransferBlocks(backend));
        return backend.read(cdb.lba(), (int) cdb.blocks()).thenApply(Task::readData);
    }
}
