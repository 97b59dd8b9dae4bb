package io.cistern.target.scsi.spc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/** MODE SENSE(6) and MODE SENSE(10) (SPC-4 6.11, 6.12). */
public final class ModeSense implements Command {

    private static final int WP = 0x80, DPOFUA = 0x10;

    private final boolean ten;

    public ModeSense(boolean ten) {
        this.ten = ten;
    }

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        boolean dbd = (cdb[1] & 0x08) != 0;
        boolean llbaa = ten && (cdb[1] & 0x10) != 0;
        int control = (cdb[2] & 0xC0) >>> 6;
        int pageCode = cdb[2] & 0x3F;
        int subpage = Fields.u8(cdb, 3);
        int allocationLength = ten ? Fields.u16(cdb, 7) : Fields.u8(cdb, 4);
        if (control == ModePages.SAVED) {
            throw new CheckCondition(Sense.SAVING_PARAMETERS_NOT_SUPPORTED);
        }
        boolean all = pageCode == ModePages.ALL;
        if ((!all && !ModePages.exists(pageCode)) || !(subpage == 0 || (all && subpage == 0xFF))) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        LunBackend backend = task.unit().backend();
        ByteBuf b = task.alloc().buffer(64);
        int deviceSpecific = DPOFUA | (backend.readOnly() ? WP : 0);
        int descriptorLength = dbd ? 0 : llbaa ? 16 : 8;
        if (ten) {
            b.writeShort(0).writeByte(0).writeByte(deviceSpecific)
                    .writeByte(llbaa ? 0x01 : 0).writeByte(0).writeShort(descriptorLength);
        } else {
            b.writeByte(0).writeByte(0).writeByte(deviceSpecific).writeByte(descriptorLength);
        }
        if (!dbd) {
            blockDescriptor(b, backend, llbaa, control == ModePages.CHANGEABLE);
        }
        for (int page : ModePages.PAGES) {
            if (all || page == pageCode) {
                b.writeBytes(ModePages.page(page, control, task.unit().mode()));
            }
        }
        if (ten) {
            b.setShort(0, b.writerIndex() - 2);
        } else {
            b.setByte(0, b.writerIndex() - 1);
        }
        return Task.dataIn(b, allocationLength);
    }

    private static void blockDescriptor(ByteBuf b, LunBackend backend, boolean longLba, boolean changeable) {
        long blocks = changeable ? 0 : backend.blockCount();
        int blockLength = changeable ? 0 : backend.blockSize();
        if (longLba) {
            b.writeLong(blocks).writeInt(0).writeInt(blockLength);
        } else {
            b.writeInt((int) Math.min(blocks, 0xFFFFFFFFL)).writeInt(blockLength); // DENSITY CODE 0
        }
    }
}
