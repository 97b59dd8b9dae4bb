package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.spc.Sense;

/**
 * The fields of a block command's CDB, decoded once for every size (SBC-3 5): the LBA, the number
 * of logical blocks and the flag byte, whose bits mean DPO/FUA/BYTCHK or ANCHOR/UNMAP/NDOB
 * depending on the command.
 *
 * @param lba    the LOGICAL BLOCK ADDRESS, unsigned (negative means at least 2^63)
 * @param blocks the TRANSFER LENGTH or NUMBER OF LOGICAL BLOCKS
 * @param flags  CDB byte 1
 */
public record BlockCdb(int opcode, long lba, long blocks, int flags) {

    public static BlockCdb parse(byte[] cdb) {
        int opcode = cdb[0] & 0xFF;
        int flags = cdb[1] & 0xFF;
        return switch (opcode) {
            case 0x08, 0x0A -> { // READ(6), WRITE(6): 21-bit LBA, 0 blocks means 256
                int blocks = Fields.u8(cdb, 4);
                yield new BlockCdb(opcode, Fields.u24(cdb, 1) & 0x1FFFFF, blocks == 0 ? 256 : blocks, 0);
            }
            case 0x89 -> new BlockCdb(opcode, Fields.u64(cdb, 2), Fields.u8(cdb, 13), flags); // COMPARE AND WRITE
            default -> switch (opcode >>> 5) {
                case 1, 2 -> new BlockCdb(opcode, Fields.u32(cdb, 2), Fields.u16(cdb, 7), flags);  // 10-byte
                case 4 -> new BlockCdb(opcode, Fields.u64(cdb, 2), Fields.u32(cdb, 10), flags);    // 16-byte
                case 5 -> new BlockCdb(opcode, Fields.u32(cdb, 2), Fields.u32(cdb, 6), flags);     // 12-byte
                default -> throw new IllegalArgumentException("not a block command: " + opcode);
            };
        };
    }

    /** RDPROTECT, WRPROTECT or VRPROTECT. */
    public int protect() {
        return flags >>> 5;
    }

    public boolean dpo() {
        return (flags & 0x10) != 0;
    }

    public boolean fua() {
        return (flags & 0x08) != 0;
    }

    public int bytchk() {
        return (flags >>> 1) & 0x03;
    }

    /** No protection information on this device: any *PROTECT field but 0 is invalid (SBC-3 4.22). */
    public BlockCdb requireNoProtection() {
        if (protect() != 0) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        return this;
    }

    /** LOGICAL BLOCK ADDRESS OUT OF RANGE, with the LBA in INFORMATION, unless the whole range fits. */
    public BlockCdb requireInRange(LunBackend backend) {
        long capacity = backend.blockCount();
        if (lba < 0 || lba > capacity || blocks > capacity - lba) {
            throw new CheckCondition(Sense.LBA_OUT_OF_RANGE.withInformation(lba));
        }
        return this;
    }

    public BlockCdb requireWritable(LunBackend backend) {
        if (backend.readOnly()) {
            throw new CheckCondition(Sense.WRITE_PROTECTED);
        }
        return this;
    }

    /** Transfers beyond the Block Limits VPD maximum are refused rather than buffered. */
    public BlockCdb requireAtMost(long maxBlocks) {
        if (blocks > maxBlocks) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        return this;
    }

    public int bytes(LunBackend backend) {
        return Math.toIntExact(blocks * backend.blockSize());
    }
}
