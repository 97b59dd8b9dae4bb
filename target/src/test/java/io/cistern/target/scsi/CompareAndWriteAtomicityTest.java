package io.cistern.target.scsi;

import static io.cistern.target.scsi.Harness.A;
import static io.cistern.target.scsi.Harness.B;
import static io.cistern.target.scsi.Harness.BLOCK;
import static io.cistern.target.scsi.Harness.cdb;
import static io.cistern.target.scsi.Harness.filled;
import static io.cistern.target.scsi.Harness.rw10;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.backend.MemoryBackend;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** COMPARE AND WRITE must not let another write in between its read and its write. */
class CompareAndWriteAtomicityTest {

    /** Holds reads until released, and counts the writes that reach storage. */
    static final class HeldReads implements LunBackend {
        final MemoryBackend inner = new MemoryBackend(Harness.BLOCKS, BLOCK);
        final CompletableFuture<Void> release = new CompletableFuture<>();
        final AtomicInteger writes = new AtomicInteger();
        volatile boolean hold;

        @Override public int blockSize() { return inner.blockSize(); }
        @Override public long blockCount() { return inner.blockCount(); }
        @Override public int grainSize() { return inner.grainSize(); }
        @Override public Provisioning provisioning() { return inner.provisioning(); }
        @Override public boolean supportsUnmap() { return true; }
        @Override public boolean readOnly() { return false; }
        @Override public UUID uuid() { return inner.uuid(); }
        @Override public CompletableFuture<Void> flush() { return inner.flush(); }
        @Override public CompletableFuture<Void> unmap(long lba, long blocks) { return inner.unmap(lba, blocks); }
        @Override public void close() { inner.close(); }

        @Override
        public CompletableFuture<ByteBuf> read(long lba, int blocks) {
            return hold ? release.thenCompose(v -> inner.read(lba, blocks)) : inner.read(lba, blocks);
        }

        @Override
        public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
            writes.incrementAndGet();
            return inner.write(lba, data, fua);
        }
    }

    @Test
    void aWriteArrivingDuringTheCompareWaits() {
        HeldReads backend = new HeldReads();
        Harness h = new Harness(backend);
        h.clearAttentions(A);
        h.clearAttentions(B);
        h.run(rw10(0x2A, 0, 1), filled(BLOCK, 'A')).good();
        backend.writes.set(0);
        backend.hold = true;

        byte[] pair = new byte[2 * BLOCK];
        Arrays.fill(pair, 0, BLOCK, (byte) 'A');
        Arrays.fill(pair, BLOCK, 2 * BLOCK, (byte) 'B');
        CompletionStage<Harness.Result> caw = h.start(A, 0,
                cdb(0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0), pair, pair.length);
        CompletionStage<Harness.Result> write = h.start(B, 0, rw10(0x2A, 0, 1), filled(BLOCK, 'C'), BLOCK);

        assertFalse(write.toCompletableFuture().isDone());
        assertEquals(0, backend.writes.get(), "the plain write overtook COMPARE AND WRITE");

        backend.hold = false;
        backend.release.complete(null);
        Harness.await(caw).good();   // compared against 'A': nothing slipped in
        Harness.await(write).good();
        assertEquals(2, backend.writes.get());
        assertArrayEquals(filled(BLOCK, 'C'), h.run(rw10(0x28, 0, 1)).good().data());
    }
}
