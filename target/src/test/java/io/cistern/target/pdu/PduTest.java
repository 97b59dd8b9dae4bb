package io.cistern.target.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The PDU values themselves: helpers, factories, CDB handling and buffer ownership. */
class PduTest {

    @Test
    void lunNumbersUsePeripheralThenFlatSpaceAddressing() {
        assertEquals(0L, Lun.raw(0));
        assertEquals(0x0005_0000_0000_0000L, Lun.raw(5));
        assertEquals(0x412c_0000_0000_0000L, Lun.raw(300));
        assertEquals(300, Lun.number(Lun.raw(300)));
        assertEquals(16383, Lun.number(Lun.raw(16383)));
        assertThrows(IllegalArgumentException.class, () -> Lun.raw(16384));
    }

    @Test
    void opcodesIgnoreTheImmediateBit() {
        assertEquals(Opcode.SCSI_COMMAND, Opcode.of(0x41));
        assertNull(Opcode.of(0x1c));
        assertTrue(Opcode.DATA_OUT.fromInitiator());
        assertFalse(Opcode.R2T.fromInitiator());
        assertFalse(Opcode.LOGOUT_REQUEST.carriesData());
    }

    @Test
    void cdbIsPaddedToSixteenBytesAndCopied() {
        byte[] cdb = {0x12, 0, 0, 0, 36, 0};
        ScsiCommandPdu cmd = command(cdb);
        cdb[0] = 0;
        assertEquals(16, cmd.cdb().length);
        assertEquals(0x12, cmd.operationCode());
        cmd.cdb()[0] = 0;
        assertEquals(0x12, cmd.operationCode());
        assertEquals(command(new byte[] {0x12, 0, 0, 0, 36, 0}), cmd);
        assertNotEquals(command(new byte[] {0x12, 0, 0, 0, 37, 0}), cmd);
    }

    @Test
    void responseResidualSetsUnderflowOrOverflow() {
        ScsiResponsePdu under = ScsiResponsePdu.completed(1, 0, null, 512, 1, 2, 3, 0);
        assertTrue(under.underflow() && !under.overflow());
        assertEquals(512, under.residualCount());
        assertEquals(0, under.content().readableBytes());
        ScsiResponsePdu over = ScsiResponsePdu.completed(1, 2, new byte[] {0x70, 0, 5}, -8, 1, 2, 3, 0);
        assertTrue(over.overflow() && !over.underflow());
        assertEquals(8, over.residualCount());
        assertArrayEquals(new byte[] {0, 3, 0x70, 0, 5}, ByteBufUtil.getBytes(over.content()));
        assertTrue(over.release());
    }

    @Test
    void dataInFactories() {
        DataIn data = DataIn.data(false, 0, 7, 1, 2, 3, 4096, Unpooled.EMPTY_BUFFER);
        assertFalse(data.isFinal() || data.statusPresent());
        assertEquals(Bhs.RESERVED_TAG, data.targetTransferTag());
        DataIn last = DataIn.withStatus(0, 0, 0, 7, 9, 1, 2, 4, 8192, Unpooled.EMPTY_BUFFER);
        assertTrue(last.isFinal() && last.statusPresent());
        assertFalse(last.overflow() || last.underflow());
        assertEquals(9, last.statSN());
    }

    @Test
    void nopInAnswerHoldsItsOwnReference() {
        NopOut ping = new NopOut(true, 0, 7, Bhs.RESERVED_TAG, 1, 1, Unpooled.buffer().writeInt(42));
        NopIn answer = NopIn.answer(ping, 1, 2, 3);
        assertFalse(ping.release());
        assertEquals(42, answer.content().getInt(0));
        assertEquals(7, answer.initiatorTaskTag());
        assertTrue(answer.release());
    }

    @Test
    void holderMethodsActOnTheDataSegment() {
        ByteBuf data = Unpooled.buffer().writeLong(1);
        TextRequest text = new TextRequest(false, true, false, 0, 1, Bhs.RESERVED_TAG, 1, 1, data);
        DataPdu duplicate = text.retainedDuplicate();
        assertEquals(text, duplicate);
        assertEquals(2, text.refCnt());
        assertFalse(duplicate.release());
        DataPdu copy = text.copy();
        assertTrue(text.release());
        assertEquals(8, copy.content().readableBytes());
        assertTrue(copy.release());
    }

    @Test
    void finalLoginResponseEntersFullFeaturePhase() {
        assertTrue(login(true, Bhs.FULL_FEATURE_PHASE, 0).entersFullFeaturePhase());
        assertFalse(login(false, Bhs.FULL_FEATURE_PHASE, 0).entersFullFeaturePhase());
        assertFalse(login(true, Bhs.LOGIN_OPERATIONAL_NEGOTIATION, 0).entersFullFeaturePhase());
        assertFalse(login(true, Bhs.FULL_FEATURE_PHASE, 2).entersFullFeaturePhase());
    }

    @Test
    void rejectEchoesTheHeader() {
        byte[] header = new byte[Bhs.LENGTH];
        header[0] = 0x1d;
        Reject reject = Reject.of(Reject.COMMAND_NOT_SUPPORTED, header, 1, 2, 3);
        header[0] = 0;
        assertEquals(0x1d, reject.content().getByte(0));
        assertEquals(Bhs.RESERVED_TAG, reject.initiatorTaskTag());
        assertTrue(reject.release());
    }

    private static ScsiCommandPdu command(byte[] cdb) {
        return new ScsiCommandPdu(false, true, true, false, 1, 0, 1, 36, 1, 1, cdb, OptionalInt.empty(),
                Unpooled.EMPTY_BUFFER);
    }

    private static LoginResponse login(boolean transit, int nsg, int statusClass) {
        return new LoginResponse(transit, false, 1, nsg, 0, 0, 1, 1, 1, 1, 1, 1, statusClass, 0, Unpooled.EMPTY_BUFFER);
    }
}
