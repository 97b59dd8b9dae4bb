package io.cistern.target.scsi.sbc;

import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import java.util.concurrent.CompletionStage;

/**
 * START STOP UNIT (SBC-3 5.20): a virtual disk has no motor and no removable medium (RMB=0), so
 * starting, stopping and power conditions are accepted and change nothing.
 */
public final class StartStopUnit implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        return Task.good();
    }
}
