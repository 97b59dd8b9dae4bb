package io.cistern.target.scsi.spc;

import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import java.util.concurrent.CompletionStage;

/** TEST UNIT READY (SPC-4 6.47): the medium is always present and ready. */
public final class TestUnitReady implements Command {
    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        return Task.good();
    }
}
