package io.cistern.target.scsi;

import io.netty.buffer.ByteBuf;

/**
 * One SCSI command as the fabric hands it to the SCSI core, with all of its Data-Out already
 * gathered.
 *
 * @param nexus        the I_T nexus it arrived on
 * @param lun          the LUN number (already decoded from the 8-byte LUN field; flat space)
 * @param cdb          the CDB, 6 to 16 bytes (the array is not modified)
 * @param attribute    task attribute (SIMPLE, ORDERED, HEAD_OF_QUEUE, ACA)
 * @param expectedLength the initiator's Expected Data Transfer Length in bytes
 * @param read         the initiator set the R (read) bit
 * @param write        the initiator set the W (write) bit
 * @param dataOut      the Data-Out bytes received (up to {@code expectedLength}), or null for none.
 *                     Ownership stays with the fabric, which releases it after the response.
 */
public record ScsiCommand(ItNexus nexus, long lun, byte[] cdb, TaskAttribute attribute,
                          int expectedLength, boolean read, boolean write, ByteBuf dataOut) {

    public enum TaskAttribute { UNTAGGED, SIMPLE, ORDERED, HEAD_OF_QUEUE, ACA }

    public int opcode() {
        return cdb[0] & 0xff;
    }
}
