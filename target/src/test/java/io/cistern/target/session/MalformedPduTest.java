package io.cistern.target.session;

import static io.cistern.target.session.SessionHarness.FIRST_CMD_SN;
import static io.cistern.target.session.SessionHarness.FIRST_STAT_SN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.LoginRequest;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.Opcode;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.Reject;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Malformed and misplaced PDUs in full feature phase (RFC 7143 §7.8, §11.17). */
class MalformedPduTest {
    private SessionHarness h;

    @AfterEach
    void close() {
        h.close();
    }

    private static ByteBuf corrupt(ByteBuf wire, int index) {
        return wire.setByte(index, wire.getByte(index) ^ 0x01);
    }

    private static ByteBuffer rejectedHeader(Reject r) {
        assertEquals(Bhs.LENGTH, r.content().readableBytes(), "a Reject carries the rejected BHS");
        return ByteBuffer.wrap(SessionHarness.content(r));
    }

    @Test
    void dataDigestErrorIsRejectedAndTheSessionGoesOn() {
        h = SessionHarness.start(o -> o.dataDigest = true);
        h.send(corrupt(h.wire(h.ping(5, FIRST_CMD_SN, false, 16), false, true), Bhs.LENGTH + 3));
        Reject r = h.next(Reject.class);
        assertEquals(Reject.DATA_DIGEST_ERROR, r.reason());
        assertEquals(Bhs.RESERVED_TAG, r.initiatorTaskTag());
        assertEquals(5, rejectedHeader(r).getInt(Bhs.INITIATOR_TASK_TAG));
        assertEquals(FIRST_STAT_SN, r.statSN());
        assertTrue(h.channel.isOpen());
        h.send(h.wire(h.ping(6, FIRST_CMD_SN, false, 16), false, true));
        NopIn answer = h.next(NopIn.class);
        assertEquals(6, answer.initiatorTaskTag());
        assertEquals(FIRST_CMD_SN + 1, answer.expCmdSN(), "the discarded ping took no CmdSN");
    }

    @Test
    void dataDigestErrorOnWriteDataEndsTheConnectionAfterTheReject() {
        h = SessionHarness.start(o -> {
            o.dataDigest = true;
            o.initialR2T = true;
        });
        h.send(h.write(1, FIRST_CMD_SN, 4096, 0, true));
        R2t r2t = h.next(R2t.class);
        h.send(corrupt(h.wire(h.dataOut(1, r2t.targetTransferTag(), 0, 0, 4096, true), false, true), 100));
        assertEquals(Reject.DATA_DIGEST_ERROR, h.next(Reject.class).reason());
        assertFalse(h.channel.isOpen(), "ERL 0: the lost data cannot be recovered on this connection");
        h.scsi.assertNoCommand();
    }

    @Test
    void headerDigestErrorClosesTheConnection() {
        h = SessionHarness.start(o -> o.headerDigest = true);
        h.send(corrupt(h.wire(h.ping(5, FIRST_CMD_SN, false, 16), true, false), Bhs.INITIATOR_TASK_TAG));
        h.assertNothingSent();
        assertFalse(h.channel.isOpen());
    }

    @Test
    void targetOnlyOpcodeIsRejected() {
        h = SessionHarness.start();
        h.send(new NopIn(0, 7, Bhs.RESERVED_TAG, 0, 0, 0, h.alloc.buffer(0)));
        Reject r = h.next(Reject.class);
        assertEquals(Reject.COMMAND_NOT_SUPPORTED, r.reason());
        assertEquals(Opcode.NOP_IN.code(), rejectedHeader(r).get(Bhs.OPCODE) & Bhs.OPCODE_MASK);
        assertEquals(FIRST_STAT_SN, r.statSN());
        assertTrue(h.channel.isOpen());
    }

    @Test
    void loginRequestInFullFeaturePhaseIsAProtocolError() {
        h = SessionHarness.start();
        h.send(new LoginRequest(true, false, 1, 3, 0, 0, SessionHarness.ISID, 1, 8, 1, FIRST_CMD_SN, 0,
                h.alloc.buffer(0)));
        assertEquals(Reject.PROTOCOL_ERROR, h.next(Reject.class).reason());
    }

    @Test
    void unknownOpcodeIsRejected() {
        h = SessionHarness.start();
        ByteBuf wire = h.wire(h.ping(5, FIRST_CMD_SN, false, 0), false, false);
        wire.setByte(Bhs.OPCODE, 0x1b);
        h.send(wire);
        assertEquals(Reject.COMMAND_NOT_SUPPORTED, h.next(Reject.class).reason());
        assertTrue(h.channel.isOpen());
    }
}
