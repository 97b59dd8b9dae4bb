package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.R2t;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection that goes away with work in flight (RFC 7143 §6.3.5, §7.1 at ERL 0). */
class ConnectionCloseTest {
    private final SessionHarness h = SessionHarness.start();

    @AfterEach
    void close() {
        h.close(); // asserts every buffer of the tasks in flight was released exactly once
    }

    /** A read in the core, a write waiting for Data-Out and a command held for a CmdSN gap. */
    private FakeScsiTarget.Call tasksInFlight() {
        h.send(h.read(1, FIRST_CMD_SN, 4096), h.write(2, FIRST_CMD_SN + 1, 65536, 4096, true),
                h.write(3, FIRST_CMD_SN + 3, 8192, 8192, true));
        h.next(R2t.class);
        FakeScsiTarget.Call running = h.scsi.next();
        h.scsi.assertNoCommand();
        return running;
    }

    @Test
    void closeWithTasksInFlightReleasesEverythingAndEndsTheNexus() {
        FakeScsiTarget.Call running = tasksInFlight();
        h.channel.close();
        h.channel.runPendingTasks();
        assertTrue(h.sessions.connections().isEmpty(), "session registry cleaned");
        assertEquals(List.of(h.nexus), h.scsi.lost, "the SCSI core hears the nexus is gone");
        running.read(4096);
        h.assertNothingSent();
    }

    @Test
    void closeByTheTargetSendsNothingForRunningTasks() {
        FakeScsiTarget.Call running = tasksInFlight();
        h.connection.close();
        running.read(4096);
        h.assertNothingSent();
        assertEquals(List.of(h.nexus), h.scsi.lost);
    }

    @Test
    void handedOverNexusIsNotDropped() {
        tasksInFlight();
        h.connection.handOver();
        h.channel.close();
        h.channel.runPendingTasks();
        assertEquals(List.of(), h.scsi.lost, "a reinstating session owns the nexus now");
        assertTrue(h.sessions.connections().isEmpty());
    }
}
