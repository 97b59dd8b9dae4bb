package io.cistern.target.session;

import io.cistern.target.login.SessionParameters;
import io.cistern.target.pdu.DataIn;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.cistern.target.scsi.ScsiResponse;
import io.netty.buffer.ByteBuf;

/**
 * Sends a command's outcome (RFC 7143 §4.2.5, §11.4, §11.7): its Data-In cut into PDUs of the
 * initiator's MaxRecvDataSegmentLength and sequences of MaxBurstLength, then the status, collapsed
 * into the last Data-In when the command succeeded without sense data.
 */
final class DataInSequence {
    private DataInSequence() {
    }

    /** Writes and flushes every PDU; takes ownership of {@code response.dataIn()}. */
    static void send(Connection c, ScsiTask task, ScsiResponse response, SessionParameters p) {
        ScsiCommandPdu command = task.command();
        long expected = Integer.toUnsignedLong(command.expectedDataTransferLength());
        ByteBuf data = response.dataIn();
        int available = data == null ? 0 : data.readableBytes();
        int length = command.read() ? (int) Math.min(available, expected) : 0;
        // What the command moved (read) or called for (write), against what the initiator expected.
        long moved = command.read() || !command.write() && available > 0 ? available : response.transferLength();
        long residual = expected - moved;
        boolean collapse = length > 0 && response.status() == ScsiResponse.GOOD && response.sense() == null;
        int dataSn = 0;
        try {
            int segment = p.initiatorMaxRecvDataSegmentLength();
            int burst = p.maxBurstLength();
            for (int offset = 0; offset < length; ) {
                int size = Math.min(segment, Math.min(length - offset, burst - offset % burst));
                int end = offset + size;
                boolean last = end == length;
                ByteBuf slice = data.retainedSlice(data.readerIndex() + offset, size);
                if (last && collapse) {
                    c.write(DataIn.withStatus(response.status(), residual, command.lun(), command.initiatorTaskTag(),
                            c.nextStatSn(), c.expCmdSn(), c.maxCmdSn(), dataSn++, offset, slice));
                } else {
                    c.write(DataIn.data(last || end % burst == 0, command.lun(), command.initiatorTaskTag(),
                            c.expCmdSn(), c.maxCmdSn(), dataSn++, offset, slice));
                }
                offset = end;
            }
        } finally {
            if (data != null) {
                data.release();
            }
        }
        if (!collapse) {
            c.write(ScsiResponsePdu.completed(command.initiatorTaskTag(), response.status(), response.sense(),
                    residual, c.nextStatSn(), c.expCmdSn(), c.maxCmdSn(), dataSn + task.r2tCount()));
        }
        c.flush();
    }
}
