package io.cistern.target.session;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataPdu;
import io.cistern.target.pdu.Pdu;
import io.cistern.target.pdu.Reject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Reject PDUs for well-formed PDUs that break the session's rules (RFC 7143 §11.17). */
final class Rejects {
    private Rejects() {
    }

    /** A Reject echoing {@code pdu}'s header, rebuilt from its fields. Advances StatSN. */
    static Reject of(int reason, Pdu pdu, Connection c) {
        ByteBuf bhs = Unpooled.buffer(Bhs.LENGTH).writeZero(Bhs.LENGTH);
        pdu.writeBhs(bhs);
        bhs.setByte(Bhs.OPCODE, pdu.opcode().code() | (pdu.immediate() ? Bhs.IMMEDIATE : 0));
        bhs.setByte(Bhs.TOTAL_AHS_LENGTH, pdu.totalAhsLength() / 4);
        int dataLength = pdu instanceof DataPdu d && d.refCnt() > 0 ? d.content().readableBytes() : 0;
        bhs.setMedium(Bhs.DATA_SEGMENT_LENGTH, dataLength);
        byte[] header = new byte[Bhs.LENGTH];
        bhs.getBytes(0, header);
        return Reject.of(reason, header, c.nextStatSn(), c.expCmdSn(), c.maxCmdSn());
    }
}
