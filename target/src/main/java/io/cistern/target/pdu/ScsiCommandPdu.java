package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * SCSI Command (RFC 7143 §11.3). {@code content} is the immediate data, owned by this PDU.
 *
 * @param attribute task attribute (ATTR): 0 untagged, 1 simple, 2 ordered, 3 head of queue, 4 ACA
 *                  (the ordinals of {@code ScsiCommand.TaskAttribute})
 * @param cdb       the whole CDB: the 16 bytes of the BHS (a shorter CDB is zero-padded to 16)
 *                  followed by the extended CDB of a type 1 AHS
 * @param bidiReadExpectedDataTransferLength from a type 2 AHS, present for bidirectional commands
 */
public record ScsiCommandPdu(boolean immediate, boolean isFinal, boolean read, boolean write,
                             int attribute, long lun, int initiatorTaskTag,
                             int expectedDataTransferLength, int cmdSN, int expStatSN, byte[] cdb,
                             OptionalInt bidiReadExpectedDataTransferLength, ByteBuf content)
        implements DataPdu {

    public ScsiCommandPdu {
        cdb = Arrays.copyOf(cdb, Math.max(cdb.length, CDB_LENGTH));
        Objects.requireNonNull(bidiReadExpectedDataTransferLength, "bidiReadExpectedDataTransferLength");
        Objects.requireNonNull(content, "content");
    }

    static ScsiCommandPdu decode(ByteBuf bhs, ByteBuf ahs, ByteBuf content) {
        byte[] extended = Ahs.extendedCdb(ahs);
        byte[] cdb = new byte[CDB_LENGTH + extended.length];
        bhs.getBytes(CDB, cdb, 0, CDB_LENGTH);
        System.arraycopy(extended, 0, cdb, CDB_LENGTH, extended.length);
        return new ScsiCommandPdu(isImmediate(bhs), flag(bhs, FINAL), flag(bhs, READ), flag(bhs, WRITE),
                bhs.getByte(FLAGS) & ATTR_MASK, bhs.getLong(LUN), bhs.getInt(INITIATOR_TASK_TAG),
                bhs.getInt(EXPECTED_DATA_TRANSFER_LENGTH), bhs.getInt(CMD_SN), bhs.getInt(EXP_STAT_SN),
                cdb, Ahs.bidiReadLength(ahs), content);
    }

    /** A copy of the CDB (the record keeps its own). */
    @Override
    public byte[] cdb() {
        return cdb.clone();
    }

    /** The SCSI operation code, CDB byte 0. */
    public int operationCode() {
        return cdb[0] & 0xff;
    }

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_COMMAND;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, bit(isFinal, FINAL) | bit(read, READ) | bit(write, WRITE) | attribute & ATTR_MASK);
        bhs.setLong(LUN, lun);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(EXPECTED_DATA_TRANSFER_LENGTH, expectedDataTransferLength);
        bhs.setInt(CMD_SN, cmdSN);
        bhs.setInt(EXP_STAT_SN, expStatSN);
        bhs.setBytes(CDB, cdb, 0, CDB_LENGTH);
    }

    @Override
    public int totalAhsLength() {
        return Ahs.length(cdb.length - CDB_LENGTH, bidiReadExpectedDataTransferLength);
    }

    @Override
    public void writeAhs(ByteBuf out) {
        Ahs.write(out, cdb, bidiReadExpectedDataTransferLength);
    }

    @Override
    public ScsiCommandPdu replace(ByteBuf content) {
        return new ScsiCommandPdu(immediate, isFinal, read, write, attribute, lun, initiatorTaskTag,
                expectedDataTransferLength, cmdSN, expStatSN, cdb, bidiReadExpectedDataTransferLength, content);
    }

    // A record compares arrays by identity; a CDB is compared by value.
    @Override
    public boolean equals(Object o) {
        return o instanceof ScsiCommandPdu c && immediate == c.immediate && isFinal == c.isFinal
                && read == c.read && write == c.write && attribute == c.attribute && lun == c.lun
                && initiatorTaskTag == c.initiatorTaskTag
                && expectedDataTransferLength == c.expectedDataTransferLength && cmdSN == c.cmdSN
                && expStatSN == c.expStatSN && Arrays.equals(cdb, c.cdb)
                && bidiReadExpectedDataTransferLength.equals(c.bidiReadExpectedDataTransferLength)
                && content.equals(c.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(initiatorTaskTag, cmdSN, Arrays.hashCode(cdb));
    }

    @Override
    public String toString() {
        return "ScsiCommandPdu[itt=" + initiatorTaskTag + ", cmdSN=" + cmdSN + ", lun=" + Lun.number(lun)
                + ", cdb=" + ByteBufUtil.hexDump(cdb) + ", edtl=" + expectedDataTransferLength
                + ", R=" + read + ", W=" + write + ", F=" + isFinal + ", I=" + immediate + ", ATTR=" + attribute
                + ", bidiRead=" + bidiReadExpectedDataTransferLength
                + ", data=" + content + "]";
    }
}
