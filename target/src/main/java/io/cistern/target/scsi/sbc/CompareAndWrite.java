package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.LogicalUnit;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * COMPARE AND WRITE (SBC-3 5.2): the Data-Out holds the verify data then the write data. The read,
 * the compare and the write pass the unit's {@link WriteGate} alone, so no other write interleaves.
 */
public final class CompareAndWrite implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LogicalUnit unit = task.unit();
        LunBackend backend = unit.backend();
        BlockCdb cdb = BlockCdb.parse(task.cdb()).requireNoProtection();
        if (cdb.blocks() == 0) {
            if (task.command().expectedLength() != 0) {
                // Data sent for a command that names no blocks: the CDB contradicts the transfer.
                throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
            }
            return Task.good(); // SBC-3: not an error, nothing compared or written
        }
        cdb.requireAtMost(BlockLimits.MAX_COMPARE_AND_WRITE_BLOCKS).requireWritable(backend).requireInRange(backend);
        int length = cdb.bytes(backend);
        ByteBuf data = task.dataOut(2 * length);
        if (task.command().expectedLength() != 2 * length) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_INFORMATION_UNIT); // never half a pair
        }
        ByteBuf verify = data.slice(data.readerIndex(), length);
        ByteBuf write = data.slice(data.readerIndex() + length, length);
        boolean fua = cdb.fua() || !unit.mode().writeCacheEnabled();
        return unit.writeGate().exclusive(() -> backend.read(cdb.lba(), (int) cdb.blocks()).thenCompose(actual -> {
            long offset;
            try {
                offset = Verify.firstDifference(verify, actual);
            } finally {
                actual.release();
            }
            if (offset >= 0) {
                return CompletableFuture.failedFuture(
                        new CheckCondition(Sense.MISCOMPARE_DURING_VERIFY.withInformation(offset)));
            }
            return backend.write(cdb.lba(), write, fua);
        })).thenCompose(v -> Task.good(2 * length));
    }
}
