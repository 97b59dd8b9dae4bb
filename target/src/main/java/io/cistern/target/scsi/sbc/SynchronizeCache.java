package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import java.util.concurrent.CompletionStage;

/**
 * SYNCHRONIZE CACHE(10/16) (SBC-3 5.22, 5.23): flushes the whole backend (a range flush is not
 * cheaper for a file). IMMED is honoured by simply answering after the flush, which SBC allows.
 */
public final class SynchronizeCache implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LunBackend backend = task.unit().backend();
        BlockCdb.parse(task.cdb()).requireInRange(backend);
        return backend.flush().thenCompose(v -> Task.good());
    }
}
