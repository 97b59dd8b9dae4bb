package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.IoBuffers;
import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.LogicalUnit;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * WRITE SAME(10/16) (SBC-3 5.41, 5.42). With UNMAP set, an all-zero block on a unit that unmaps
 * (LBPRZ=1, so unmapped blocks read as that very block) deallocates the range; any other data is
 * written. UNMAP on a unit that cannot unmap, ANCHOR (ANC_SUP=0) and a zero NUMBER OF LOGICAL
 * BLOCKS (WSNZ=1) are refused, as the VPD pages announce.
 */
public final class WriteSame implements Command {

    private static final int ANCHOR = 0x10, UNMAP = 0x08, NDOB = 0x01;

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LogicalUnit unit = task.unit();
        LunBackend backend = unit.backend();
        BlockCdb cdb = BlockCdb.parse(task.cdb()).requireNoProtection();
        boolean sixteen = cdb.opcode() == 0x93;
        boolean unmap = (cdb.flags() & UNMAP) != 0;
        boolean noDataOut = sixteen && (cdb.flags() & NDOB) != 0;
        cdb.requireWritable(backend);
        if ((cdb.flags() & ANCHOR) != 0 || (unmap && !backend.supportsUnmap())) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB); // ANC_SUP=0; LBPWS=0 without unmap
        }
        cdb.requireInRange(backend);
        if (cdb.blocks() == 0) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        cdb.requireAtMost(BlockLimits.MAX_WRITE_SAME_BLOCKS);
        int blockSize = backend.blockSize();
        ByteBuf block;
        if (noDataOut) {
            block = Unpooled.wrappedBuffer(new byte[blockSize]);
        } else {
            block = task.dataOut(blockSize);
            if (task.command().dataOut().readableBytes() != blockSize) {
                throw new CheckCondition(Sense.INVALID_FIELD_IN_INFORMATION_UNIT); // exactly one block
            }
        }
        int transferLength = noDataOut ? 0 : blockSize;
        if (unmap && isZero(block)) {
            return unit.writeGate().shared(() -> backend.unmap(cdb.lba(), cdb.blocks()))
                    .thenCompose(v -> Task.good(transferLength));
        }
        boolean fua = !unit.mode().writeCacheEnabled();
        int chunk = BlockLimits.maxTransferBlocks(backend);
        return unit.writeGate().shared(() -> Chunks.sequentially(cdb.lba(), cdb.blocks(), chunk,
                        (lba, n) -> writeRepeated(backend, block, lba, n, fua)))
                .thenCompose(v -> Task.good(transferLength));
    }

    private static CompletableFuture<Void> writeRepeated(LunBackend backend, ByteBuf block, long lba, int blocks,
                                                         boolean fua) {
        ByteBuf data = IoBuffers.ALLOCATOR.directBuffer(blocks * backend.blockSize());
        for (int i = 0; i < blocks; i++) {
            data.writeBytes(block, block.readerIndex(), block.readableBytes());
        }
        return backend.write(lba, data, fua).whenComplete((v, t) -> data.release());
    }

    private static boolean isZero(ByteBuf block) {
        for (int i = block.readerIndex(); i < block.writerIndex(); i++) {
            if (block.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
