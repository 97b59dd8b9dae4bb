package io.cistern.target.codec;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.Opcode;
import io.cistern.target.pdu.Reject;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * What {@link PduDecoder} emits instead of a PDU it cannot accept. It holds no buffer. The pipeline
 * answers it with {@link #toReject} when {@link #streamContinues()}, otherwise closes the connection.
 */
public final class MalformedPdu {

    /** Why a PDU was refused, with the Reject reason (RFC 7143 §11.17.1) that answers it. */
    public enum Reason {
        UNKNOWN_OPCODE(Reject.COMMAND_NOT_SUPPORTED),
        DATA_SEGMENT_TOO_LONG(Reject.PROTOCOL_ERROR),
        /** A data segment on a PDU whose DataSegmentLength must be 0. */
        UNEXPECTED_DATA_SEGMENT(Reject.PROTOCOL_ERROR),
        /** An AHS on a PDU other than a SCSI Command, or one of unknown type or bad length. */
        BAD_AHS(Reject.INVALID_PDU_FIELD),
        DATA_DIGEST_ERROR(Reject.DATA_DIGEST_ERROR),
        /** The header cannot be trusted, nor its lengths: framing is lost and the connection must go. */
        HEADER_DIGEST_ERROR(0);

        private final int rejectReason;

        Reason(int rejectReason) {
            this.rejectReason = rejectReason;
        }
    }

    private final Reason reason;
    private final byte[] header;

    MalformedPdu(Reason reason, byte[] header) {
        this.reason = reason;
        this.header = header;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * True if the decoder skipped the whole PDU and goes on with the next one. False after a header
     * digest error: the connection must be closed (the decoder discards everything after it).
     */
    public boolean streamContinues() {
        return reason != Reason.HEADER_DIGEST_ERROR;
    }

    /** A copy of the offending 48-byte BHS, as received. */
    public byte[] header() {
        return header.clone();
    }

    /** The opcode of the header, or null if unknown. */
    public Opcode opcode() {
        return Opcode.of(header[Bhs.OPCODE]);
    }

    public int initiatorTaskTag() {
        return Unpooled.wrappedBuffer(header).getInt(Bhs.INITIATOR_TASK_TAG);
    }

    /**
     * The Reject that answers this PDU, echoing its header. The caller owns the result.
     *
     * @throws IllegalStateException if the stream cannot continue: no Reject is sent then
     */
    public Reject toReject(int statSN, int expCmdSN, int maxCmdSN) {
        if (!streamContinues()) {
            throw new IllegalStateException("no Reject after " + reason + ": close the connection");
        }
        return Reject.of(reason.rejectReason, header, statSN, expCmdSN, maxCmdSN);
    }

    @Override
    public String toString() {
        return "MalformedPdu[" + reason + ", header=" + ByteBufUtil.hexDump(header) + "]";
    }
}
