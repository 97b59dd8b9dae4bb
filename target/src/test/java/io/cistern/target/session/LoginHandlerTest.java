package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.INITIATOR;
import static io.cistern.target.session.SessionHarness.ISID;
import static io.cistern.target.session.SessionHarness.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.LoginResponse;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.NopOut;
import io.cistern.target.scsi.ItNexus;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The login glue: LoginHandler driving LoginNegotiation and switching the pipeline (RFC 7143 §6, §13). */
class LoginHandlerTest {
    private static final int CMD_SN = 10;
    private static final int SEC = Bhs.SECURITY_NEGOTIATION;
    private static final int OP = Bhs.LOGIN_OPERATIONAL_NEGOTIATION;
    private static final int FFP = Bhs.FULL_FEATURE_PHASE;
    private final LoginHarness h = new LoginHarness();
    private final ItNexus nexus = new ItNexus(INITIATOR + ",i,0x" + String.format("%012x", ISID), INITIATOR,
            TARGET + ",t,0x0001", 1);

    @AfterEach
    void close() {
        h.close();
    }

    private static void assertSuccess(LoginResponse r) {
        assertEquals(0, r.statusClass(), () -> "status " + r.statusClass() + "/" + r.statusDetail());
    }

    /** Logs in with two requests (security, then operational with CRC32C digests); returns the final response. */
    private LoginResponse login(LoginHarness.Link link, long isid) {
        link.send(link.login(SEC, OP, isid, 0, CMD_SN, 0, "InitiatorName=" + INITIATOR, "SessionType=Normal",
                "TargetName=" + TARGET, "AuthMethod=None"));
        LoginResponse first = link.receiveOne(LoginResponse.class);
        assertSuccess(first);
        link.send(link.login(OP, FFP, isid, 0, CMD_SN, first.statSN() + 1, "HeaderDigest=CRC32C",
                "DataDigest=CRC32C", "MaxRecvDataSegmentLength=65536", "ImmediateData=Yes", "InitialR2T=No"));
        LoginResponse last = link.receiveOne(LoginResponse.class);
        assertSuccess(last);
        assertEquals(first.statSN() + 1, last.statSN(), "Login Responses number StatSN in sequence");
        return last;
    }

    @Test
    void normalLoginEntersFullFeaturePhase() {
        LoginHarness.Link link = h.connect();
        link.send(link.login(SEC, OP, ISID, 0, CMD_SN, 0, "InitiatorName=" + INITIATOR, "SessionType=Normal",
                "TargetName=" + TARGET, "AuthMethod=None"));
        LoginResponse first = link.receiveOne(LoginResponse.class);
        assertSuccess(first);
        assertTrue(first.transit());
        assertEquals(OP, first.nsg());
        assertEquals(0, first.tsih(), "TSIH is assigned in the final response only");
        assertEquals(CMD_SN, first.expCmdSN());
        assertEquals(CMD_SN + LoginHarness.QUEUE_DEPTH - 1, first.maxCmdSN());
        assertEquals(ISID, first.isid());

        link.send(link.login(OP, FFP, ISID, 0, CMD_SN, first.statSN() + 1, "HeaderDigest=CRC32C",
                "DataDigest=CRC32C", "MaxRecvDataSegmentLength=65536"));
        LoginResponse last = link.receiveOne(LoginResponse.class);
        assertSuccess(last);
        assertTrue(last.entersFullFeaturePhase());
        assertEquals(first.statSN() + 1, last.statSN());
        assertEquals(CMD_SN, last.expCmdSN(), "login requests are immediate: CmdSN not taken");
        assertEquals(CMD_SN + LoginHarness.QUEUE_DEPTH - 1, last.maxCmdSN());
        assertNotEquals(0, last.tsih());
        Map<String, String> keys = LoginHarness.keys(last);
        assertEquals("CRC32C", keys.get("HeaderDigest"));
        assertEquals("CRC32C", keys.get("DataDigest"));

        assertNull(link.target.pipeline().get(LoginHandler.class), "login handler gone");
        assertNotNull(link.target.pipeline().get(FullFeatureHandler.class), "full feature handler installed");
        assertNotNull(link.target.pipeline().get(IdleStateHandler.class), "NOP-In keep-alive timer installed");
        assertEquals(last.tsih(), h.sessions.connections().iterator().next().session().tsih());
        assertEquals(List.of(nexus), h.scsi.created);

        // The final response went without digests (decoded above without them); what follows has both,
        // and the decoder takes data segments up to our MaxRecvDataSegmentLength, above the login default.
        link.digests(true, true);
        link.maxRecvDataSegmentLength(65536);
        link.send(new NopOut(false, 0, 2, Bhs.RESERVED_TAG, CMD_SN, last.statSN() + 1, h.scsi.data(20000)));
        NopIn answer = link.receiveOne(NopIn.class);
        assertEquals(2, answer.initiatorTaskTag());
        assertEquals(20000, answer.content().readableBytes());
        assertEquals(last.statSN() + 1, answer.statSN());
        assertEquals(CMD_SN + 1, answer.expCmdSN());
    }

    @Test
    void failedLoginClosesAfterTheResponse() {
        LoginHarness.Link link = h.connect();
        link.send(link.login(SEC, OP, ISID, 0, CMD_SN, 0, "InitiatorName=" + INITIATOR, "SessionType=Normal",
                "TargetName=iqn.2026-11.io.cistern:nothing", "AuthMethod=None"));
        LoginResponse r = link.receiveOne(LoginResponse.class);
        assertEquals(0x02, r.statusClass());
        assertEquals(0x03, r.statusDetail(), "target not found");
        assertFalse(link.target.isOpen());
        assertTrue(h.sessions.connections().isEmpty());
    }

    @Test
    void nonLoginPduDuringLoginCloses() {
        LoginHarness.Link link = h.connect();
        link.send(new NopOut(true, 0, 2, Bhs.RESERVED_TAG, CMD_SN, 0, h.alloc.buffer(0)));
        assertEquals(List.of(), link.receive());
        assertFalse(link.target.isOpen());
    }

    @Test
    void sessionReinstatementClosesTheOldConnection() {
        LoginHarness.Link old = h.connect();
        LoginResponse first = login(old, ISID);
        LoginHarness.Link fresh = h.connect();
        LoginResponse second = login(fresh, ISID);
        assertNotEquals(first.tsih(), second.tsih());
        assertFalse(old.target.isOpen(), "the reinstated session's connection is closed");
        assertTrue(fresh.target.isOpen());
        assertEquals(1, h.sessions.connections().size());
        assertEquals(second.tsih(), h.sessions.connections().iterator().next().session().tsih());
        assertEquals(List.of(nexus), h.scsi.lost, "the old nexus state ends once, before the new one starts");
        assertEquals(List.of(nexus, nexus), h.scsi.created);
    }

    @Test
    void anotherIsidIsAnotherSession() {
        LoginHarness.Link a = h.connect();
        login(a, ISID);
        LoginHarness.Link b = h.connect();
        login(b, ISID + 1);
        assertTrue(a.target.isOpen());
        assertEquals(2, h.sessions.connections().size());
    }

    @Test
    void loginNamingAnUnknownSessionFails() {
        LoginHarness.Link link = h.connect();
        link.send(link.login(SEC, OP, ISID, 1234, CMD_SN, 0, "InitiatorName=" + INITIATOR, "SessionType=Normal",
                "TargetName=" + TARGET, "AuthMethod=None"));
        LoginResponse r = link.receiveOne(LoginResponse.class);
        assertEquals(0x020a, r.statusClass() << 8 | r.statusDetail(), "session does not exist");
        assertFalse(link.target.isOpen());
    }

    @Test
    void secondConnectionToAKnownSessionIsRefused() {
        LoginResponse done = login(h.connect(), ISID);
        LoginHarness.Link link = h.connect();
        link.send(link.login(SEC, OP, ISID, done.tsih(), CMD_SN, 0, "InitiatorName=" + INITIATOR,
                "SessionType=Normal", "TargetName=" + TARGET, "AuthMethod=None"));
        LoginResponse r = link.receiveOne(LoginResponse.class);
        assertEquals(0x0206, r.statusClass() << 8 | r.statusDetail(), "too many connections");
        assertFalse(link.target.isOpen());
        assertEquals(1, h.sessions.connections().size());
    }

    @Test
    void loginThatTakesTooLongIsClosed() {
        LoginHarness.Link link = h.connect();
        link.target.advanceTimeBy(h.settings.loginTimeout().toSeconds() + 1, TimeUnit.SECONDS);
        link.target.runScheduledPendingTasks();
        assertFalse(link.target.isOpen());
    }

    @Test
    void loggedInConnectionOutlivesTheLoginTimeoutWithAKeepAliveTimer() {
        LoginHarness.Link link = h.connect();
        login(link, ISID);
        // IdleStateHandler measures idleness with System.nanoTime, so only its setting can be checked here;
        // NopTest drives the ping itself with IdleStateEvents.
        assertEquals(h.settings.nopInterval().toMillis(),
                link.target.pipeline().get(IdleStateHandler.class).getReaderIdleTimeInMillis());
        link.target.advanceTimeBy(h.settings.loginTimeout().toSeconds() + 1, TimeUnit.SECONDS);
        link.target.runScheduledPendingTasks();
        assertTrue(link.target.isOpen(), "the login timer was cancelled");
    }
}
