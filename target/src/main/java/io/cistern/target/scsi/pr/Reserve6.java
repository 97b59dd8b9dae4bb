package io.cistern.target.scsi.pr;

import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import java.util.concurrent.CompletionStage;

/** RESERVE(6) and RELEASE(6) (SPC-2 7.21, 7.23): the whole logical unit, no third parties. */
public final class Reserve6 implements Command {

    private final boolean release;

    public Reserve6(boolean release) {
        this.release = release;
    }

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        Reservations state = task.unit().reservations();
        boolean done = release ? state.release6(task.nexus()) : state.reserve6(task.nexus());
        return done ? Task.good() : Task.reservationConflict();
    }
}
