package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static io.cistern.target.session.SessionHarness.FIRST_STAT_SN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.spc.Sense;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gathering a write's data: immediate, unsolicited, R2T-solicited (RFC 7143 §4.2.5, §11.7, §11.8). */
class WriteTest {
    private SessionHarness h;

    @AfterEach
    void close() {
        h.close();
    }

    private void assertGood(ScsiResponsePdu r, int itt, int statSn, int expDataSn) {
        assertEquals(itt, r.initiatorTaskTag());
        assertEquals(ScsiResponse.GOOD, r.status());
        assertEquals(statSn, r.statSN());
        assertEquals(expDataSn, r.expDataSN(), "ExpDataSN counts the R2Ts sent for a write");
        assertFalse(r.underflow() || r.overflow(), "no residual");
    }

    static void assertSense(ScsiResponsePdu r, int key, int asc, int ascq) {
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status());
        ByteBuffer seg = ByteBuffer.wrap(SessionHarness.content(r));
        int length = seg.getShort();
        assertTrue(length >= 14, "sense data present");
        byte[] sense = new byte[length];
        seg.get(sense);
        assertEquals(key, sense[2] & 0x0f, "sense key");
        assertEquals(asc, sense[12] & 0xff, "ASC");
        assertEquals(ascq, sense[13] & 0xff, "ASCQ");
    }

    private void assertR2t(R2t r, int itt, int r2tSn, int offset, int length) {
        assertEquals(itt, r.initiatorTaskTag());
        assertEquals(r2tSn, r.r2tSN(), "R2TSN");
        assertEquals(offset, r.bufferOffset(), "BufferOffset");
        assertEquals(length, r.desiredDataTransferLength(), "DesiredDataTransferLength");
        assertNotEquals(Bhs.RESERVED_TAG, r.targetTransferTag());
        assertEquals(FIRST_STAT_SN, r.statSN(), "an R2T carries StatSN without advancing it");
    }

    @Test
    void immediateDataOnly() {
        h = SessionHarness.start();
        h.send(h.write(1, FIRST_CMD_SN, 4096, 4096, true));
        h.assertNothingSent();
        FakeScsiTarget.Call call = h.scsi.next();
        assertArrayEquals(SessionHarness.pattern(0, 4096), call.dataOut);
        call.good();
        assertGood(h.next(ScsiResponsePdu.class), 1, FIRST_STAT_SN, 0);
    }

    @Test
    void immediateAndUnsolicitedDataUpToFirstBurstThenR2ts() {
        h = SessionHarness.start(o -> {
            o.firstBurstLength = 8192;
            o.maxBurstLength = 16384;
            o.maxOutstandingR2T = 1;
        });
        int edtl = 40000;
        h.send(h.write(1, FIRST_CMD_SN, edtl, 4096, false));
        h.assertNothingSent();
        h.send(h.dataOut(1, Bhs.RESERVED_TAG, 0, 4096, 4096, true));
        R2t first = h.next(R2t.class);
        assertR2t(first, 1, 0, 8192, 16384);
        h.assertNothingSent();
        int ttt = first.targetTransferTag();
        h.send(h.dataOut(1, ttt, 0, 8192, 8192, false), h.dataOut(1, ttt, 1, 16384, 8192, true));
        R2t second = h.next(R2t.class);
        assertR2t(second, 1, 1, 24576, edtl - 24576);
        assertNotEquals(ttt, second.targetTransferTag());
        h.scsi.assertNoCommand();
        h.send(h.dataOut(1, second.targetTransferTag(), 0, 24576, edtl - 24576, true));
        FakeScsiTarget.Call call = h.scsi.next();
        assertArrayEquals(SessionHarness.pattern(0, edtl), call.dataOut, "data gathered in order");
        call.good();
        assertGood(h.next(ScsiResponsePdu.class), 1, FIRST_STAT_SN, 2);
    }

    @Test
    void initialR2tSolicitsEverythingWithUpToMaxOutstandingR2ts() {
        h = SessionHarness.start(o -> {
            o.initialR2T = true;
            o.immediateData = false;
            o.maxBurstLength = 16384;
            o.maxOutstandingR2T = 2;
        });
        int edtl = 3 * 16384 + 100;
        h.send(h.write(1, FIRST_CMD_SN, edtl, 0, true));
        List<R2t> r2ts = List.of(h.next(R2t.class), h.next(R2t.class));
        h.assertNothingSent();
        assertR2t(r2ts.get(0), 1, 0, 0, 16384);
        assertR2t(r2ts.get(1), 1, 1, 16384, 16384);
        h.send(h.dataOut(1, r2ts.get(0).targetTransferTag(), 0, 0, 16384, true));
        R2t third = h.next(R2t.class);
        assertR2t(third, 1, 2, 32768, 16384);
        h.send(h.dataOut(1, r2ts.get(1).targetTransferTag(), 0, 16384, 16384, true));
        R2t fourth = h.next(R2t.class);
        assertR2t(fourth, 1, 3, 49152, 100);
        h.send(h.dataOut(1, third.targetTransferTag(), 0, 32768, 16384, true),
                h.dataOut(1, fourth.targetTransferTag(), 0, 49152, 100, true));
        FakeScsiTarget.Call call = h.scsi.next();
        assertArrayEquals(SessionHarness.pattern(0, edtl), call.dataOut);
        call.good();
        assertGood(h.next(ScsiResponsePdu.class), 1, FIRST_STAT_SN, 4);
    }

    /** Sends a write with InitialR2T=Yes, returns its first R2T. */
    private R2t solicitedWrite() {
        h = SessionHarness.start(o -> {
            o.initialR2T = true;
            o.maxBurstLength = 16384;
        });
        h.send(h.write(1, FIRST_CMD_SN, 8192, 0, true));
        return h.next(R2t.class);
    }

    private void assertDataPhaseErrorAndSessionGoesOn(int lateOffset) {
        ScsiResponsePdu r = h.next(ScsiResponsePdu.class);
        assertEquals(1, r.initiatorTaskTag());
        assertSense(r, Sense.ABORTED_COMMAND, 0x4b, 0x00);
        assertEquals(FIRST_STAT_SN, r.statSN());
        assertEquals(1, r.expDataSN(), "one R2T was sent");
        assertEquals(FIRST_CMD_SN + 1 + 3, r.maxCmdSN(), "the failed command left the window");
        h.scsi.assertNoCommand();
        // Later Data-Out of the failed command belongs to no task and is dropped.
        h.send(h.dataOut(1, Bhs.RESERVED_TAG, 0, lateOffset, 512, true));
        h.assertNothingSent();
        h.send(h.ping(9, FIRST_CMD_SN + 1, false, 0));
        assertEquals(FIRST_STAT_SN + 1, h.next(NopIn.class).statSN(), "the session goes on");
    }

    @Test
    void dataOutWithAWrongTargetTransferTagAbortsTheCommand() {
        R2t r2t = solicitedWrite();
        h.send(h.dataOut(1, r2t.targetTransferTag() + 1, 0, 0, 4096, false));
        assertDataPhaseErrorAndSessionGoesOn(4096);
    }

    @Test
    void dataOutAtAWrongOffsetAbortsTheCommand() {
        R2t r2t = solicitedWrite();
        h.send(h.dataOut(1, r2t.targetTransferTag(), 0, 512, 4096, false));
        assertDataPhaseErrorAndSessionGoesOn(4608);
    }

    @Test
    void dataOutWithAWrongDataSnAbortsTheCommand() {
        R2t r2t = solicitedWrite();
        h.send(h.dataOut(1, r2t.targetTransferTag(), 0, 0, 4096, false));
        h.send(h.dataOut(1, r2t.targetTransferTag(), 2, 4096, 4096, true));
        assertDataPhaseErrorAndSessionGoesOn(8192);
    }

    @Test
    void unsolicitedDataBeyondFirstBurstAbortsTheCommand() {
        h = SessionHarness.start(o -> o.firstBurstLength = 4096);
        h.send(h.write(1, FIRST_CMD_SN, 16384, 0, false));
        h.send(h.dataOut(1, Bhs.RESERVED_TAG, 0, 0, 8192, true));
        ScsiResponsePdu r = h.next(ScsiResponsePdu.class);
        assertSense(r, Sense.ABORTED_COMMAND, 0x4b, 0x00);
        assertEquals(0, r.expDataSN());
    }

    @Test
    void dataOutForAnUnknownTaskIsDropped() {
        h = SessionHarness.start();
        h.send(h.dataOut(77, Bhs.RESERVED_TAG, 0, 0, 4096, true));
        h.assertNothingSent();
        assertTrue(h.channel.isOpen());
    }

    @Test
    void writeAboveTheMaximumIsRefusedWithoutSolicitingData() {
        h = SessionHarness.start(o -> o.maxWriteLength = 65536);
        h.send(h.write(1, FIRST_CMD_SN, 65537, 0, true));
        ScsiResponsePdu r = h.next(ScsiResponsePdu.class);
        assertSense(r, Sense.ILLEGAL_REQUEST, 0x24, 0x00);
        assertEquals(FIRST_STAT_SN, r.statSN());
        assertEquals(FIRST_CMD_SN + 4, r.maxCmdSN());
        h.assertNothingSent();
        h.scsi.assertNoCommand();
    }

    @Test
    void dataOutForACommandAlreadyRunningLeavesItAlone() {
        h = SessionHarness.start();
        h.send(h.write(1, FIRST_CMD_SN, 4096, 4096, true), h.read(2, FIRST_CMD_SN + 1, 512));
        FakeScsiTarget.Call write = h.scsi.next();
        FakeScsiTarget.Call read = h.scsi.next();
        h.send(h.dataOut(1, Bhs.RESERVED_TAG, 0, 4096, 512, true));
        h.assertNothingSent();
        assertTrue(write.command.dataOut().refCnt() > 0, "the core's Data-Out buffer is still in use");
        write.good();
        assertGood(h.next(ScsiResponsePdu.class), 1, FIRST_STAT_SN, 0);
        h.assertNothingSent();
        h.send(h.ping(3, FIRST_CMD_SN + 2, true, 0));
        assertEquals(FIRST_CMD_SN + 2 + 3 - 1, h.next(NopIn.class).maxCmdSN(),
                "the window counts the still-running read once, the finished write not at all");
        read.read(512);
    }

    @Test
    void immediateDataWhenNotNegotiatedClosesTheConnection() {
        h = SessionHarness.start(o -> o.immediateData = false);
        h.send(h.write(1, FIRST_CMD_SN, 4096, 512, true));
        assertFalse(h.channel.isOpen(), "ERL 0: a protocol error ends the connection");
        h.assertNothingSent();
        h.scsi.assertNoCommand();
    }

    @Test
    void secondCommandWithATagInUseIsRejected() {
        h = SessionHarness.start();
        h.send(h.write(1, FIRST_CMD_SN, 4096, 4096, true), h.write(1, FIRST_CMD_SN + 1, 4096, 4096, true));
        Reject r = h.next(Reject.class);
        assertEquals(Reject.TASK_IN_PROGRESS, r.reason());
        assertEquals(FIRST_STAT_SN, r.statSN());
        FakeScsiTarget.Call first = h.scsi.next();
        h.scsi.assertNoCommand();
        first.good();
        assertGood(h.next(ScsiResponsePdu.class), 1, FIRST_STAT_SN + 1, 0);
    }
}
