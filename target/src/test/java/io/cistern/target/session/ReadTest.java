package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static io.cistern.target.session.SessionHarness.FIRST_STAT_SN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.DataIn;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.spc.Sense;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Data-In sequences and status (RFC 7143 §4.2.5, §11.4, §11.7). */
class ReadTest {
    private SessionHarness h = SessionHarness.start(o -> {
        o.initiatorMaxRecvDataSegmentLength = 4096;
        o.maxBurstLength = 8192 + 4096;
    });

    @AfterEach
    void close() {
        h.close();
    }

    private static byte[] counting(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private List<DataIn> dataIns(int count) {
        List<DataIn> in = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            in.add(h.next(DataIn.class));
        }
        return in;
    }

    @Test
    void dataInIsCutBySegmentAndBurstWithStatusInTheLast() {
        int length = 30000; // bursts of 12288: 4096+4096+4096 | 4096+4096+4096 | 4096+1328
        h.send(h.read(1, FIRST_CMD_SN, length));
        h.scsi.next().read(length);
        List<DataIn> in = dataIns(8);
        h.assertNothingSent();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int[] sizes = {4096, 4096, 4096, 4096, 4096, 4096, 4096, 1328};
        boolean[] finals = {false, false, true, false, false, true, false, true};
        for (int i = 0; i < in.size(); i++) {
            DataIn d = in.get(i);
            assertEquals(1, d.initiatorTaskTag());
            assertEquals(i, d.dataSN(), "DataSN runs across bursts");
            assertEquals(i * 4096, d.bufferOffset(), "BufferOffset");
            assertEquals(sizes[i], d.content().readableBytes(), "segment " + i + " size");
            assertEquals(finals[i], d.isFinal(), "F bit of Data-In " + i + " (ends a MaxBurstLength sequence)");
            assertEquals(i == 7, d.statusPresent(), "only the last carries status");
            all.writeBytes(SessionHarness.content(d));
        }
        assertArrayEquals(counting(length), all.toByteArray());
        DataIn last = in.get(7);
        assertEquals(ScsiResponse.GOOD, last.status());
        assertEquals(FIRST_STAT_SN, last.statSN());
        assertFalse(last.underflow() || last.overflow());
    }

    @Test
    void senseComesInASeparateResponseAfterTheData() {
        h.send(h.read(1, FIRST_CMD_SN, 1024));
        h.scsi.next().checkCondition(Sense.LBA_OUT_OF_RANGE, 512);
        DataIn d = h.next(DataIn.class);
        assertTrue(d.isFinal());
        assertFalse(d.statusPresent(), "no phase collapse with sense data");
        ScsiResponsePdu r = h.next(ScsiResponsePdu.class);
        WriteTest.assertSense(r, Sense.ILLEGAL_REQUEST, 0x21, 0x00);
        assertEquals(FIRST_STAT_SN, r.statSN(), "StatSN advanced once for the command");
        assertEquals(1, r.expDataSN(), "ExpDataSN: one Data-In was sent");
        assertTrue(r.underflow());
        assertEquals(512, r.residualCount());
    }

    @Test
    void shortReadReportsAnUnderflow() {
        h.send(h.read(1, FIRST_CMD_SN, 4096));
        h.scsi.next().read(1000);
        DataIn d = h.next(DataIn.class);
        assertTrue(d.statusPresent());
        assertTrue(d.underflow());
        assertFalse(d.overflow());
        assertEquals(3096, d.residualCount());
    }

    @Test
    void longReadIsCutToTheExpectedLengthAndReportsAnOverflow() {
        h.send(h.read(1, FIRST_CMD_SN, 1000));
        h.scsi.next().read(4096);
        DataIn d = h.next(DataIn.class);
        assertEquals(1000, d.content().readableBytes());
        assertTrue(d.overflow());
        assertFalse(d.underflow());
        assertEquals(3096, d.residualCount());
    }

    @Test
    void commandWithoutDataGetsAResponse() {
        h.send(h.read(1, FIRST_CMD_SN, 0));
        h.scsi.next().good();
        ScsiResponsePdu r = h.next(ScsiResponsePdu.class);
        assertEquals(ScsiResponse.GOOD, r.status());
        assertEquals(0, r.expDataSN());
        assertEquals(FIRST_STAT_SN, r.statSN());
    }

    @Test
    void statSnAdvancesOncePerCommandWhateverItsPdus() {
        h.send(h.read(1, FIRST_CMD_SN, 20000), h.read(2, FIRST_CMD_SN + 1, 1024));
        h.scsi.next().read(20000);
        h.scsi.next().checkCondition(Sense.LBA_OUT_OF_RANGE, 0);
        List<Integer> statSns = new ArrayList<>();
        for (var pdu : h.drain()) {
            if (pdu instanceof DataIn d && d.statusPresent()) {
                statSns.add(d.statSN());
            } else if (pdu instanceof ScsiResponsePdu r) {
                statSns.add(r.statSN());
            }
        }
        assertEquals(List.of(FIRST_STAT_SN, FIRST_STAT_SN + 1), statSns);
    }
}
