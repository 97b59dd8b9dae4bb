package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static io.cistern.target.session.SessionHarness.FIRST_STAT_SN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.DataIn;
import io.cistern.target.pdu.NopIn;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CmdSN window as FullFeatureHandler applies it (RFC 7143 §4.2.2.1, §3.2.2.1). */
class CommandWindowTest {
    private SessionHarness h = SessionHarness.start();

    @AfterEach
    void close() {
        h.close();
    }

    /** The commands the core received, by Expected Data Transfer Length (the tests' label). */
    private List<Integer> deliveredLengths() {
        return h.scsi.calls.stream().map(c -> c.command.expectedLength()).toList();
    }

    @Test
    void commandsArrivingOutOfOrderReachTheCoreInCmdSnOrder() {
        h.send(h.read(2, FIRST_CMD_SN + 2, 512 * 3), h.read(1, FIRST_CMD_SN + 1, 512 * 2));
        h.scsi.assertNoCommand();
        h.send(h.read(0, FIRST_CMD_SN, 512));
        assertEquals(List.of(512, 1024, 1536), deliveredLengths(), "delivered in CmdSN order once the gap closed");
    }

    @Test
    void commandsOutsideTheWindowAreIgnored() {
        // Depth 4: the window is [100, 103].
        h.send(h.read(1, FIRST_CMD_SN + 4, 512), h.read(2, FIRST_CMD_SN - 1, 512));
        h.scsi.assertNoCommand();
        h.assertNothingSent();
        h.send(h.read(3, FIRST_CMD_SN, 512));
        h.scsi.next().read(512);
        DataIn in = h.next(DataIn.class);
        assertEquals(FIRST_CMD_SN + 1, in.expCmdSN(), "the ignored commands took no CmdSN");
    }

    @Test
    void immediateCommandsBypassTheQueueAndTakeNoCmdSn() {
        h.send(h.read(1, FIRST_CMD_SN + 1, 512)); // held for the gap at 100
        h.send(h.ping(7, FIRST_CMD_SN, true, 0));
        NopIn answer = h.next(NopIn.class);
        assertEquals(7, answer.initiatorTaskTag());
        assertEquals(FIRST_CMD_SN, answer.expCmdSN(), "an immediate command does not advance ExpCmdSN");
        h.scsi.assertNoCommand();
    }

    @Test
    void maxCmdSnOpensAsCommandsComplete() {
        h.send(h.read(1, FIRST_CMD_SN, 512), h.read(2, FIRST_CMD_SN + 1, 512), h.read(3, FIRST_CMD_SN + 2, 512),
                h.read(4, FIRST_CMD_SN + 3, 512));
        assertEquals(4, h.scsi.calls.size());
        h.send(h.read(5, FIRST_CMD_SN + 4, 512));
        assertEquals(4, h.scsi.calls.size(), "window full: CmdSN 104 is beyond MaxCmdSN 103");

        h.scsi.next().read(512);
        DataIn first = h.next(DataIn.class);
        assertEquals(FIRST_CMD_SN + 4, first.expCmdSN());
        assertEquals(FIRST_CMD_SN + 4, first.maxCmdSN(), "one command done: MaxCmdSN moves from 103 to 104");
        h.scsi.next().read(512);
        assertEquals(FIRST_CMD_SN + 5, h.next(DataIn.class).maxCmdSN());
    }

    @Test
    void statSnAdvancesOncePerCommand() {
        for (int i = 0; i < 3; i++) {
            h.send(h.read(i, FIRST_CMD_SN + i, 512));
            h.scsi.next().read(512);
            DataIn in = h.next(DataIn.class);
            assertTrue(in.statusPresent());
            assertEquals(FIRST_STAT_SN + i, in.statSN());
        }
    }
}
