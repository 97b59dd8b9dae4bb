package io.cistern.target.scsi;

import io.netty.buffer.ByteBuf;

/**
 * The outcome of a {@link ScsiCommand}.
 *
 * @param status       SCSI status byte (GOOD 0x00, CHECK CONDITION 0x02, BUSY 0x08,
 *                     RESERVATION CONFLICT 0x18, TASK SET FULL 0x28, TASK ABORTED 0x40)
 * @param sense        fixed-format sense data for CHECK CONDITION, otherwise null
 * @param dataIn       Data-In bytes for the initiator, or null. Ownership passes to the fabric,
 *                     which releases it once sent. Already cut to the CDB's allocation length, but
 *                     not to the Expected Data Transfer Length: the fabric cuts it and reports the
 *                     residual overflow.
 * @param transferLength the number of bytes the command itself called for (by its CDB): the
 *                     fabric compares it with the Expected Data Transfer Length for the residual
 */
public record ScsiResponse(int status, byte[] sense, ByteBuf dataIn, int transferLength) {

    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;
    public static final int TASK_ABORTED = 0x40;
}
