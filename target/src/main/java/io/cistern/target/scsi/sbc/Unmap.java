package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.LogicalUnit;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * UNMAP (SBC-3 5.25). Every descriptor is checked before any is applied, so a bad list changes
 * nothing. Only offered on units whose backend frees space.
 */
public final class Unmap implements Command {

    private static final int HEADER = 8, DESCRIPTOR = 16;

    private record Extent(long lba, long blocks) {
    }

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LogicalUnit unit = task.unit();
        LunBackend backend = unit.backend();
        byte[] cdb = task.cdb();
        if ((cdb[1] & 0x01) != 0) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB); // ANCHOR: ANC_SUP=0
        }
        if (backend.readOnly()) {
            throw new CheckCondition(Sense.WRITE_PROTECTED);
        }
        int length = Fields.u16(cdb, 7);
        if (length == 0) {
            return Task.good(); // SBC-3: no parameter data is not an error
        }
        if (length < HEADER) {
            throw new CheckCondition(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        ByteBuf list = task.dataOut(length);
        int descriptorsLength = Math.min(list.getUnsignedShort(2), length - HEADER);
        int count = descriptorsLength / DESCRIPTOR; // a truncated last descriptor is ignored
        if (count > BlockLimits.MAX_UNMAP_DESCRIPTORS) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        List<Extent> extents = new ArrayList<>(count);
        long capacity = backend.blockCount();
        for (int i = 0; i < count; i++) {
            long lba = list.getLong(HEADER + i * DESCRIPTOR);
            long blocks = list.getUnsignedInt(HEADER + i * DESCRIPTOR + 8);
            if (lba < 0 || lba > capacity || blocks > capacity - lba) {
                throw new CheckCondition(Sense.LBA_OUT_OF_RANGE.withInformation(lba));
            }
            if (blocks > BlockLimits.MAX_UNMAP_BLOCKS) {
                throw new CheckCondition(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
            }
            if (blocks > 0) {
                extents.add(new Extent(lba, blocks));
            }
        }
        return unit.writeGate().shared(() -> CompletableFuture.allOf(extents.stream()
                        .map(e -> backend.unmap(e.lba(), e.blocks())).toArray(CompletableFuture[]::new)))
                .thenCompose(v -> Task.good(length));
    }
}
