package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static io.cistern.target.session.SessionHarness.FIRST_STAT_SN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataIn;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.NopOut;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** NOP-Out pings and the target's own NOP-In keep-alive (RFC 7143 §11.18, §11.19). */
class NopTest {
    private SessionHarness h;

    @AfterEach
    void close() {
        h.close();
    }

    private void idle() {
        h.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        h.channel.runPendingTasks();
    }

    @Test
    void pingIsAnsweredWithItsDataAndTag() {
        h = SessionHarness.start();
        h.send(h.ping(42, FIRST_CMD_SN, false, 37));
        NopIn in = h.next(NopIn.class);
        assertEquals(42, in.initiatorTaskTag());
        assertEquals(Bhs.RESERVED_TAG, in.targetTransferTag());
        assertArrayEquals(SessionHarness.pattern(0, 37), SessionHarness.content(in), "ping data echoed");
        assertEquals(FIRST_STAT_SN, in.statSN());
        assertEquals(FIRST_CMD_SN + 1, in.expCmdSN());
        assertEquals(FIRST_CMD_SN + 4, in.maxCmdSN(), "the ping completed at once: the window is whole again");
    }

    @Test
    void echoIsCutToTheInitiatorsMaxRecvDataSegmentLength() {
        h = SessionHarness.start(o -> {
            o.initiatorMaxRecvDataSegmentLength = 4096;
            o.targetMaxRecvDataSegmentLength = 8192;
        });
        h.send(h.ping(42, FIRST_CMD_SN, false, 6000));
        NopIn in = h.next(NopIn.class);
        assertArrayEquals(SessionHarness.pattern(0, 4096), SessionHarness.content(in),
                "the reflected data is limited to the initiator's MaxRecvDataSegmentLength");
    }

    @Test
    void idleConnectionIsPingedWithoutAdvancingStatSn() {
        h = SessionHarness.start();
        idle();
        NopIn ping = h.next(NopIn.class);
        assertEquals(Bhs.RESERVED_TAG, ping.initiatorTaskTag());
        assertNotEquals(Bhs.RESERVED_TAG, ping.targetTransferTag());
        assertEquals(FIRST_STAT_SN, ping.statSN(), "a NOP-In ping carries the next StatSN");
        h.send(h.ping(1, FIRST_CMD_SN, false, 0));
        assertEquals(FIRST_STAT_SN, h.next(NopIn.class).statSN(), "the ping did not advance StatSN");
    }

    @Test
    void answerToOurPingTakesNoCmdSnAndNoResponse() {
        h = SessionHarness.start();
        idle();
        NopIn ping = h.next(NopIn.class);
        h.send(new NopOut(true, 0, Bhs.RESERVED_TAG, ping.targetTransferTag(), FIRST_CMD_SN, FIRST_STAT_SN,
                h.alloc.buffer(0)));
        h.assertNothingSent();
        h.send(h.read(1, FIRST_CMD_SN, 512));
        h.scsi.next().read(512);
        DataIn in = h.next(DataIn.class);
        assertEquals(FIRST_CMD_SN + 1, in.expCmdSN(), "CmdSN 100 was still free for the command");
        idle();
        assertNotEquals(ping.targetTransferTag(), h.next(NopIn.class).targetTransferTag(),
                "answered: the next idle period sends a fresh ping");
    }

    @Test
    void unansweredPingPastTheTimeoutClosesTheConnection() {
        h = SessionHarness.start(o -> o.nopTimeout = Duration.ZERO);
        idle();
        h.next(NopIn.class);
        assertTrue(h.channel.isOpen());
        idle();
        assertFalse(h.channel.isOpen(), "second idle period with the ping unanswered");
        h.assertNothingSent();
    }

    @Test
    void unansweredPingWithinTheTimeoutWaits() {
        h = SessionHarness.start(o -> o.nopTimeout = Duration.ofHours(1));
        idle();
        h.next(NopIn.class);
        idle();
        assertTrue(h.channel.isOpen());
        h.assertNothingSent();
    }
}
