package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static io.cistern.target.session.SessionHarness.FIRST_STAT_SN;
import static io.cistern.target.session.SessionHarness.LUN0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.Lun;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.cistern.target.pdu.TaskManagementRequest;
import io.cistern.target.pdu.TaskManagementResponse;
import io.cistern.target.scsi.ScsiTarget.TaskManagementFunction;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Task management functions (RFC 7143 §11.5, §11.6). */
class TaskManagementTest {
    private final SessionHarness h = SessionHarness.start();

    @AfterEach
    void close() {
        h.close();
    }

    private TaskManagementRequest tmf(int function, long lun, int referencedTag) {
        return tmf(function, lun, referencedTag, FIRST_CMD_SN - 1, FIRST_CMD_SN + 5);
    }

    /** An immediate request; {@code cmdSn} is the CmdSN it carries (not taken). */
    private TaskManagementRequest tmf(int function, long lun, int referencedTag, int refCmdSn, int cmdSn) {
        return new TaskManagementRequest(true, function, lun, 50, referencedTag, cmdSn, FIRST_STAT_SN, refCmdSn, 0);
    }

    private TaskManagementResponse answer(int expected) {
        TaskManagementResponse r = h.next(TaskManagementResponse.class);
        assertEquals(expected, r.response(), "TMF response");
        assertEquals(50, r.initiatorTaskTag());
        return r;
    }

    @Test
    void abortTaskAnswersOnlyOnceTheTaskEndedAndTheTaskSendsNothing() {
        h.send(h.read(1, FIRST_CMD_SN, 4096));
        FakeScsiTarget.Call running = h.scsi.next();
        h.send(tmf(TaskManagementRequest.ABORT_TASK, LUN0, 1));
        h.assertNothingSent();
        running.read(4096);
        TaskManagementResponse r = answer(TaskManagementResponse.FUNCTION_COMPLETE);
        assertEquals(FIRST_STAT_SN, r.statSN());
        assertEquals(FIRST_CMD_SN + 1 + 3, r.maxCmdSN(), "the aborted command left the window");
        h.assertNothingSent();
    }

    @Test
    void abortTaskOfACommandStillGatheringDataAnswersAtOnce() {
        h.send(h.write(1, FIRST_CMD_SN, 65536, 0, true));
        h.next(R2t.class);
        h.send(tmf(TaskManagementRequest.ABORT_TASK, LUN0, 1));
        answer(TaskManagementResponse.FUNCTION_COMPLETE);
        h.send(h.dataOut(1, 1, 0, 0, 4096, false));
        h.assertNothingSent();
        h.scsi.assertNoCommand();
    }

    @Test
    void abortOfAnUnknownTaskBeforeTheWindow() {
        h.send(tmf(TaskManagementRequest.ABORT_TASK, LUN0, 1234)); // RefCmdSN 99: answered long ago
        answer(TaskManagementResponse.TASK_DOES_NOT_EXIST);
    }

    @Test
    void abortOfACommandThatNeverArrivedTakesItsCmdSn() {
        // CmdSN 100 is lost on the way; the initiator aborts it (RFC 7143 §11.5.1 b).
        h.send(tmf(TaskManagementRequest.ABORT_TASK, LUN0, 1, FIRST_CMD_SN, FIRST_CMD_SN + 1));
        TaskManagementResponse r = answer(TaskManagementResponse.FUNCTION_COMPLETE);
        assertEquals(FIRST_CMD_SN + 1, r.expCmdSN(), "CmdSN 100 is taken as received");
        assertEquals(FIRST_CMD_SN + 1 + 3, r.maxCmdSN());
        h.send(h.read(1, FIRST_CMD_SN, 512)); // arrives late: a duplicate now
        h.scsi.assertNoCommand();
        h.send(h.read(2, FIRST_CMD_SN + 1, 512));
        h.scsi.next().good();
        assertEquals(2, h.next(ScsiResponsePdu.class).initiatorTaskTag());
    }

    @Test
    void abortOfACommandHeldForAGapDropsIt() {
        h.send(h.read(2, FIRST_CMD_SN + 1, 512)); // waits for CmdSN 100
        h.send(tmf(TaskManagementRequest.ABORT_TASK, LUN0, 2, FIRST_CMD_SN + 1, FIRST_CMD_SN + 2));
        TaskManagementResponse r = answer(TaskManagementResponse.FUNCTION_COMPLETE);
        assertEquals(FIRST_CMD_SN, r.expCmdSN(), "CmdSN 100 still missing");
        h.send(h.read(1, FIRST_CMD_SN, 512));
        FakeScsiTarget.Call first = h.scsi.next();
        h.scsi.assertNoCommand(); // the aborted command never runs
        first.good();
        ScsiResponsePdu done = h.next(ScsiResponsePdu.class);
        assertEquals(1, done.initiatorTaskTag());
        assertEquals(FIRST_CMD_SN + 2, done.expCmdSN(), "past the aborted CmdSN 101 too");
    }

    @Test
    void abortWithARefCmdSnNotBeforeTheRequestIsNotForAMissingCommand() {
        h.send(tmf(TaskManagementRequest.ABORT_TASK, LUN0, 1, FIRST_CMD_SN, FIRST_CMD_SN));
        assertEquals(FIRST_CMD_SN, answer(TaskManagementResponse.TASK_DOES_NOT_EXIST).expCmdSN());
    }

    @Test
    void logicalUnitResetAbortsTheUnitsTasksThenResetsTheCore() {
        h.send(h.read(1, FIRST_CMD_SN, 512), h.write(2, FIRST_CMD_SN + 1, 65536, 0, true));
        FakeScsiTarget.Call running = h.scsi.next();
        h.next(R2t.class);
        h.send(tmf(TaskManagementRequest.LOGICAL_UNIT_RESET, LUN0, Bhs.RESERVED_TAG));
        h.assertNothingSent();
        assertEquals(List.of(), h.scsi.functions, "the core resets only after the tasks ended");
        running.read(512);
        answer(TaskManagementResponse.FUNCTION_COMPLETE);
        assertEquals(List.of(TaskManagementFunction.LOGICAL_UNIT_RESET), h.scsi.functions);
        h.assertNothingSent();
    }

    @Test
    void unknownLun() {
        h.send(tmf(TaskManagementRequest.LOGICAL_UNIT_RESET, Lun.raw(7), Bhs.RESERVED_TAG));
        answer(TaskManagementResponse.LUN_DOES_NOT_EXIST);
    }

    @Test
    void taskReassignIsNotSupported() {
        h.send(tmf(TaskManagementRequest.TASK_REASSIGN, LUN0, 1));
        answer(TaskManagementResponse.TASK_ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED);
    }

    @Test
    void otherTasksGoOn() {
        h.send(h.read(1, FIRST_CMD_SN, 512), h.read(2, FIRST_CMD_SN + 1, 512));
        FakeScsiTarget.Call first = h.scsi.next();
        FakeScsiTarget.Call second = h.scsi.next();
        h.send(tmf(TaskManagementRequest.ABORT_TASK, LUN0, 1));
        first.good();
        answer(TaskManagementResponse.FUNCTION_COMPLETE);
        second.read(512);
        assertEquals(2, h.next(io.cistern.target.pdu.DataIn.class).initiatorTaskTag());
        h.assertNothingSent();
        h.send(h.read(3, FIRST_CMD_SN + 2, 512));
        h.scsi.next().good();
        assertEquals(3, h.next(ScsiResponsePdu.class).initiatorTaskTag());
    }
}
