package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.LogicalUnit;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * WRITE(6/10/12/16) and WRITE AND VERIFY(10/12/16) (SBC-3 5.31-5.39). With the write cache
 * disabled (WCE=0) every write is forced to the medium (FUA). WRITE AND VERIFY writes with FUA:
 * what reaches stable storage is exactly what was sent, so the verification has nothing to find.
 */
public final class Write implements Command {

    private final boolean verify;

    public Write(boolean verify) {
        this.verify = verify;
    }

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LogicalUnit unit = task.unit();
        LunBackend backend = unit.backend();
        BlockCdb cdb = BlockCdb.parse(task.cdb()).requireNoProtection();
        if (verify && cdb.bytchk() > 1) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        cdb.requireWritable(backend).requireInRange(backend);
        if (cdb.blocks() == 0) {
            return Task.good();
        }
        cdb.requireAtMost(BlockLimits.maxTransferBlocks(backend));
        int length = cdb.bytes(backend);
        ByteBuf data = task.dataOutBlocks(length, backend.blockSize());
        if (data.readableBytes() == 0) {
            return Task.good(length);
        }
        boolean fua = verify || cdb.fua() || !unit.mode().writeCacheEnabled();
        return unit.writeGate().shared(() -> backend.write(cdb.lba(), data, fua))
                .thenCompose(v -> Task.good(length));
    }
}
