package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.scsi.CheckCondition;
import io.cistern.target.scsi.Command;
import io.cistern.target.scsi.ScsiResponse;
import io.cistern.target.scsi.Task;
import io.cistern.target.scsi.spc.Sense;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * VERIFY(10/12/16) (SBC-3 5.26-5.28). BYTCHK 0: the blocks must be readable (read in bounded
 * pieces and dropped). BYTCHK 1: compare with the Data-Out; BYTCHK 3: compare every block with the
 * one block sent. A difference is MISCOMPARE with the offset of the first differing byte.
 */
public final class Verify implements Command {

    @Override
    public CompletionStage<ScsiResponse> execute(Task task) {
        LunBackend backend = task.unit().backend();
        BlockCdb cdb = BlockCdb.parse(task.cdb()).requireNoProtection();
        int bytchk = cdb.bytchk();
        if (bytchk == 2) {
            throw new CheckCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        cdb.requireInRange(backend);
        if (cdb.blocks() == 0) {
            return Task.good();
        }
        int chunk = BlockLimits.maxTransferBlocks(backend);
        if (bytchk == 0) {
            return Chunks.sequentially(cdb.lba(), cdb.blocks(), chunk,
                    (lba, n) -> backend.read(lba, n).thenAccept(ByteBuf::release)).thenCompose(v -> Task.good());
        }
        cdb.requireAtMost(chunk);
        int blockSize = backend.blockSize();
        int length = bytchk == 1 ? cdb.bytes(backend) : blockSize;
        ByteBuf expected = task.dataOut(length);
        return backend.read(cdb.lba(), (int) cdb.blocks()).thenCompose(actual -> {
            try {
                long offset = bytchk == 1 ? firstDifference(expected, actual) : firstDifferenceRepeated(expected, actual);
                return offset < 0 ? Task.good(length) : CompletableFuture.<ScsiResponse>failedFuture(
                        new CheckCondition(Sense.MISCOMPARE_DURING_VERIFY.withInformation(offset)));
            } finally {
                actual.release();
            }
        });
    }

    /** The offset of the first byte where the two differ, or -1. */
    static long firstDifference(ByteBuf expected, ByteBuf actual) {
        int length = Math.min(expected.readableBytes(), actual.readableBytes());
        for (int i = 0; i < length; i++) {
            if (expected.getByte(expected.readerIndex() + i) != actual.getByte(actual.readerIndex() + i)) {
                return i;
            }
        }
        return -1;
    }

    private static long firstDifferenceRepeated(ByteBuf block, ByteBuf actual) {
        int size = block.readableBytes();
        for (int at = 0; at < actual.readableBytes(); at += size) {
            long offset = firstDifference(block, actual.slice(actual.readerIndex() + at, size));
            if (offset >= 0) {
                return at + offset;
            }
        }
        return -1;
    }
}
