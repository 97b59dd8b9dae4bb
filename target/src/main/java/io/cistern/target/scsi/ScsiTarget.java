package io.cistern.target.scsi;

import java.util.concurrent.CompletionStage;

/**
 * The SCSI core as the fabric sees it: one instance per SCSI target device (an iSCSI target node),
 * holding its logical units. The fabric knows nothing of CDBs, LUNs' storage or sense rules; the
 * core knows nothing of PDUs.
 *
 * <p>Thread-safety: all methods may be called concurrently from any session's event loop; none
 * blocks.
 */
public interface ScsiTarget {

    /**
     * Executes a command. The stage completes (on any thread) with the response; it never completes
     * exceptionally: failures become CHECK CONDITION responses. The caller keeps
     * ownership of {@code cmd.dataOut()} and releases it after the stage completes.
     */
    CompletionStage<ScsiResponse> execute(ScsiCommand cmd);

    /** Task management functions that act on the core's state (unit attentions, reservations). */
    TaskManagementResponse taskManagement(ItNexus nexus, TaskManagementFunction function, long lun);

    /** A nexus came into being (login): it gets a POWER ON, RESET unit attention. */
    void nexusCreated(ItNexus nexus);

    /**
     * A nexus is gone (logout, dropped session): forget its unit attentions and release its SPC-2
     * RESERVE(6). Persistent reservation registrations survive, as SPC-4 5.13 requires.
     */
    void nexusLost(ItNexus nexus);

    /** True if {@code lun} exists and is visible to the initiator of {@code nexus} (LUN masking). */
    boolean lunVisible(ItNexus nexus, long lun);

    enum TaskManagementFunction {
        ABORT_TASK, ABORT_TASK_SET, CLEAR_ACA, CLEAR_TASK_SET, LOGICAL_UNIT_RESET, TARGET_WARM_RESET,
        TARGET_COLD_RESET
    }

    enum TaskManagementResponse {
        FUNCTION_COMPLETE, TASK_DOES_NOT_EXIST, LUN_DOES_NOT_EXIST, FUNCTION_NOT_SUPPORTED,
        FUNCTION_AUTHORIZATION_FAILED, FUNCTION_REJECTED
    }
}
