package io.cistern.target.scsi;

import java.util.concurrent.CompletionStage;

/**
 * One SCSI command's implementation. It may throw {@link CheckCondition} or complete the stage
 * exceptionally; {@link Task#fail} turns either into a CHECK CONDITION response.
 */
@FunctionalInterface
public interface Command {
    CompletionStage<ScsiResponse> execute(Task task);
}
