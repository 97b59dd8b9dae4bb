package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.Fields;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * READ CAPACITY(16) (SBC-3 5.16), service action 10h of SERVICE ACTION IN(16): the grain is
 * reported as the physical block, and LBPME/LBPRZ when unmapped blocks really are freed.
 */
public final class ReadCapacity16 implements Command {

    private static final int LENGTH = 32;

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LunBackend backend = task.unit().backend();
        int allocationLength = Fields.clamp(Fields.u32(task.cdb(), 10));
        int exponent = Math.min(15, Integer.numberOfTrailingZeros(Integer.highestOneBit(BlockLimits.blocksPerGrain(backend))));
        boolean thin = backend.supportsUnmap();
        ByteBuf b = task.alloc().buffer(LENGTH);
        b.writeLong(backend.blockCount() - 1).writeInt(backend.blockSize())
                .writeByte(0)                                   // no protection information
                .writeByte(exponent)                            // LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT
                .writeByte(thin ? 0x80 | 0x40 : 0)              // LBPME, LBPRZ; LOWEST ALIGNED LBA 0
                .writeByte(0)
                .writeZero(LENGTH - 16);
        return Task.dataIn(b, allocationLength);
    }
}
