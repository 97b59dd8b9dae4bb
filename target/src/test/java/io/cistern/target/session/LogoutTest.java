package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static io.cistern.target.session.SessionHarness.FIRST_STAT_SN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.DataIn;
import io.cistern.target.pdu.LogoutRequest;
import io.cistern.target.pdu.LogoutResponse;
import io.cistern.target.pdu.Reject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logout (RFC 7143 §11.14, §11.15). */
class LogoutTest {
    private final SessionHarness h = SessionHarness.start();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void closeSessionAnswersAfterRunningTasksThenCloses() {
        h.send(h.read(1, FIRST_CMD_SN, 512));
        h.send(new LogoutRequest(false, LogoutRequest.CLOSE_SESSION, 9, 1, FIRST_CMD_SN + 1, FIRST_STAT_SN));
        h.assertNothingSent();
        assertTrue(h.channel.isOpen(), "a task is still running");

        h.scsi.next().read(512);
        DataIn data = h.next(DataIn.class);
        LogoutResponse logout = h.next(LogoutResponse.class);
        assertEquals(LogoutResponse.CLOSED_SUCCESSFULLY, logout.response());
        assertEquals(9, logout.initiatorTaskTag());
        assertEquals(FIRST_STAT_SN, data.statSN());
        assertEquals(FIRST_STAT_SN + 1, logout.statSN(), "StatSN in the order the responses are sent");
        assertEquals(FIRST_CMD_SN + 2, logout.expCmdSN());
        assertEquals(FIRST_CMD_SN + 2 + 3, logout.maxCmdSN(), "both commands are done");
        assertFalse(h.channel.isOpen(), "closed after the Logout Response");
        assertTrue(h.sessions.connections().isEmpty(), "session forgotten");
    }

    @Test
    void closeSessionEndsAWriteStillWaitingForData() {
        h.send(h.write(1, FIRST_CMD_SN, 4096, 0, true)); // InitialR2T-style: all of it to be solicited
        assertFalse(h.drain().isEmpty(), "R2Ts for the data");
        h.send(new LogoutRequest(false, LogoutRequest.CLOSE_SESSION, 9, 1, FIRST_CMD_SN + 1, FIRST_STAT_SN));
        LogoutResponse logout = h.next(LogoutResponse.class);
        assertEquals(LogoutResponse.CLOSED_SUCCESSFULLY, logout.response());
        h.scsi.assertNoCommand();
        assertFalse(h.channel.isOpen(), "closed after the Logout Response");
    }

    @Test
    void commandsAfterLogoutAreRejected() {
        h.send(h.read(1, FIRST_CMD_SN, 512));
        h.send(new LogoutRequest(false, LogoutRequest.CLOSE_SESSION, 9, 1, FIRST_CMD_SN + 1, FIRST_STAT_SN));
        h.send(h.read(2, FIRST_CMD_SN + 2, 512));
        assertEquals(Reject.WAITING_FOR_LOGOUT, h.next(Reject.class).reason());
        h.scsi.next().read(512);
        h.next(DataIn.class);
        h.next(LogoutResponse.class);
        h.scsi.assertNoCommand();
    }

    @Test
    void idleSessionLogsOutAtOnce() {
        h.send(new LogoutRequest(true, LogoutRequest.CLOSE_CONNECTION, 9, 1, FIRST_CMD_SN, FIRST_STAT_SN));
        LogoutResponse logout = h.next(LogoutResponse.class);
        assertEquals(LogoutResponse.CLOSED_SUCCESSFULLY, logout.response());
        assertEquals(FIRST_STAT_SN, logout.statSN());
        assertFalse(h.channel.isOpen());
    }

    @Test
    void closingAnotherConnectionIsCidNotFound() {
        h.send(new LogoutRequest(false, LogoutRequest.CLOSE_CONNECTION, 9, 2, FIRST_CMD_SN, FIRST_STAT_SN));
        assertEquals(LogoutResponse.CID_NOT_FOUND, h.next(LogoutResponse.class).response());
        assertTrue(h.channel.isOpen());
    }

    @Test
    void recoveryIsNotSupported() {
        h.send(new LogoutRequest(false, LogoutRequest.REMOVE_CONNECTION_FOR_RECOVERY, 9, 1, FIRST_CMD_SN,
                FIRST_STAT_SN));
        LogoutResponse r = h.next(LogoutResponse.class);
        assertEquals(LogoutResponse.RECOVERY_NOT_SUPPORTED, r.response());
        assertEquals(FIRST_CMD_SN + 4, r.maxCmdSN(), "the logout left the window");
        assertTrue(h.channel.isOpen());
        h.send(h.ping(3, FIRST_CMD_SN + 1, false, 0));
        assertEquals(FIRST_STAT_SN + 1, h.next(io.cistern.target.pdu.NopIn.class).statSN());
    }
}
