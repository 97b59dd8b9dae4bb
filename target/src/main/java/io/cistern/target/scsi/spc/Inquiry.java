package io.cistern.target.scsi.spc;

import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/** INQUIRY (SPC-4 6.6): standard data here, vital product data in {@link VpdPages}. */
public final class Inquiry implements Command {

    static final int DIRECT_ACCESS_BLOCK_DEVICE = 0x00;
    /** Peripheral qualifier 3, type 1Fh: no logical unit is possible at this LUN. */
    static final int NO_LOGICAL_UNIT = 0x7F;

    private static final String VENDOR = "CISTERN";
    private static final String PRODUCT = "VIRTUAL DISK";
    private static final String REVISION = "0001";
    private static final int STANDARD_LENGTH = 96;
    /** Version descriptors (SPC-4 table 147): SAM-5, SPC-4, SBC-3, iSCSI (no version claimed). */
    private static final int[] VERSION_DESCRIPTORS = {0x00A0, 0x0460, 0x04C0, 0x0960};

    private final VpdPages vpd = new VpdPages();

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        boolean evpd = (cdb[1] & 0x01) != 0;
        int pageCode = Fields.u8(cdb, 2);
        int allocationLength = Fields.u16(cdb, 3);
        if ((cdb[1] & 0x02) != 0 || (!evpd && pageCode != 0)) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB); // CmdDt is obsolete
        }
        if (evpd) {
            if (task.unit() == null) {
                throw new CheckCondition(Sense.LOGICAL_UNIT_NOT_SUPPORTED);
            }
            return Task.dataIn(vpd.page(task, pageCode), allocationLength);
        }
        return Task.dataIn(standard(task), allocationLength);
    }

    private static ByteBuf standard(Task task) {
        ByteBuf b = task.alloc().buffer(STANDARD_LENGTH);
        b.writeByte(task.unit() == null ? NO_LOGICAL_UNIT : DIRECT_ACCESS_BLOCK_DEVICE);
        b.writeByte(0);                      // RMB=0: not removable
        b.writeByte(0x06);                   // VERSION: SPC-4
        b.writeByte(0x10 | 0x02);            // HISUP, RESPONSE DATA FORMAT 2
        b.writeByte(STANDARD_LENGTH - 5);
        b.writeByte(0);                      // SCCS, ACC, TPGS=0, 3PC, PROTECT all zero
        b.writeByte(0);
        b.writeByte(0x02);                   // CMDQUE
        ascii(b, VENDOR, 8);
        ascii(b, PRODUCT, 16);
        ascii(b, REVISION, 4);
        b.writeZero(58 - b.writerIndex());
        for (int descriptor : VERSION_DESCRIPTORS) {
            b.writeShort(descriptor);
        }
        b.writeZero(STANDARD_LENGTH - b.writerIndex());
        return b;
    }

    /** A left-aligned, space-padded ASCII field (SPC-4 4.4.1). */
    static void ascii(ByteBuf b, String value, int width) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        b.writeBytes(bytes, 0, Math.min(width, bytes.length));
        for (int i = bytes.length; i < width; i++) {
            b.writeByte(' ');
        }
    }
}
