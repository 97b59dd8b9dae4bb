package io.cistern.target.scsi.spc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.ItNexus;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.sbc.BlockLimits;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Vital product data pages (SPC-4 7.8, SBC-3 6.5) for a direct-access block device. */
final class VpdPages {

    private static final int[] SUPPORTED = {0x00, 0x80, 0x83, 0x86, 0xB0, 0xB1, 0xB2};
    /**
     * The company ID in our NAA designators. Locally assigned (the X bit of the first octet is
     * set), since the project holds no IEEE OUI; uniqueness comes from the backend's UUID.
     */
    private static final int COMPANY_ID = 0x0A_C1_57;

    ByteBuf page(Task task, int pageCode) {
        ByteBuf b = task.alloc().buffer(64);
        b.writeByte(Inquiry.DIRECT_ACCESS_BLOCK_DEVICE).writeByte(pageCode).writeShort(0);
        LunBackend backend = task.unit().backend();
        switch (pageCode) {
            case 0x00 -> {
                for (int page : SUPPORTED) {
                    b.writeByte(page);
                }
            }
            case 0x80 -> b.writeBytes(serial(backend.uuid()).getBytes(StandardCharsets.US_ASCII));
            case 0x83 -> deviceIdentification(b, backend.uuid(), task.nexus());
            case 0x86 -> b.writeByte(0)
                    .writeByte(0x01)     // SIMPSUP
                    .writeByte(0x01)     // V_SUP: a volatile cache that SYNCHRONIZE CACHE flushes
                    .writeByte(0x01)     // LUICLR
                    .writeZero(60 - 4);
            case 0xB0 -> blockLimits(b, backend);
            case 0xB1 -> b.writeShort(0x0001).writeZero(0x3C - 2); // MEDIUM ROTATION RATE: non-rotating
            case 0xB2 -> logicalBlockProvisioning(b, backend);
            default -> {
                b.release();
                throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
            }
        }
        b.setShort(2, b.writerIndex() - 4);
        return b;
    }

    static String serial(UUID uuid) {
        return uuid.toString().replace("-", "");
    }

    private static void deviceIdentification(ByteBuf b, UUID uuid, ItNexus nexus) {
        // NAA IEEE Registered Extended (6): 4-bit NAA, 24-bit company ID, 100 bits from the UUID
        b.writeByte(0x01).writeByte(0x03).writeByte(0).writeByte(16);
        long high = uuid.getMostSignificantBits();
        b.writeLong(((long) 0x6 << 60) | ((long) COMPANY_ID << 36) | (high >>> 28));
        b.writeLong((high << 36) | (uuid.getLeastSignificantBits() >>> 28));
        // Relative target port identifier: iSCSI, binary; PIV=1, association target port, type 4
        b.writeByte(0x51).writeByte(0x94).writeByte(0).writeByte(4)
                .writeShort(0).writeShort(nexus.relativeTargetPort());
        // SCSI name string of the target port: iSCSI, UTF-8; PIV=1, association target port, type 8
        byte[] name = nexus.targetPort().getBytes(StandardCharsets.UTF_8);
        int length = (name.length + 1 + 3) & ~3; // null-terminated, padded to a multiple of 4
        b.writeByte(0x53).writeByte(0x98).writeByte(0).writeByte(length)
                .writeBytes(name).writeZero(length - name.length);
    }

    private static void blockLimits(ByteBuf b, LunBackend backend) {
        boolean unmap = backend.supportsUnmap();
        int grain = BlockLimits.blocksPerGrain(backend);
        int maxTransfer = BlockLimits.maxTransferBlocks(backend);
        b.writeByte(0x01)                                   // WSNZ: WRITE SAME of 0 blocks is refused
                .writeByte(BlockLimits.MAX_COMPARE_AND_WRITE_BLOCKS)
                .writeShort(grain)                          // OPTIMAL TRANSFER LENGTH GRANULARITY
                .writeInt(maxTransfer)
                .writeInt(maxTransfer)                      // OPTIMAL TRANSFER LENGTH
                .writeInt(0)                                // MAXIMUM PREFETCH LENGTH
                .writeInt(unmap ? (int) BlockLimits.MAX_UNMAP_BLOCKS : 0)
                .writeInt(unmap ? BlockLimits.MAX_UNMAP_DESCRIPTORS : 0)
                .writeInt(unmap ? grain : 0)                // OPTIMAL UNMAP GRANULARITY
                .writeInt(unmap ? 0x80000000 : 0)           // UGAVALID, alignment 0
                .writeLong(BlockLimits.MAX_WRITE_SAME_BLOCKS)
                .writeZero(0x3C + 4 - 44);
    }

    private static void logicalBlockProvisioning(ByteBuf b, LunBackend backend) {
        boolean unmap = backend.supportsUnmap();
        int flags = unmap ? 0x80 | 0x40 | 0x20 | 0x04 : 0; // LBPU, LBPWS, LBPWS10, LBPRZ
        int type = backend.provisioning() == LunBackend.Provisioning.THIN ? 0x02 : 0x00;
        b.writeByte(0)                                      // THRESHOLD EXPONENT: no thresholds
                .writeByte(flags)                           // ANC_SUP=0, DP=0
                .writeByte(type)
                .writeByte(0);
    }
}
