package io.cistern.target.scsi;

import io.cistern.target.backend.LunBackend;
import io.netty.buffer.ByteBuf;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** A fully provisioned view of another backend, for units that cannot unmap. */
final class NoUnmapBackend implements LunBackend {

    private final LunBackend inner;

    NoUnmapBackend(LunBackend inner) {
        this.inner = inner;
    }

    @Override public int blockSize() { return inner.blockSize(); }
    @Override public long blockCount() { return inner.blockCount(); }
    @Override public int grainSize() { return inner.grainSize(); }
    @Override public Provisioning provisioning() { return Provisioning.FULL; }
    @Override public boolean supportsUnmap() { return false; }
    @Override public boolean readOnly() { return inner.readOnly(); }
    @Override public UUID uuid() { return inner.uuid(); }
    @Override public CompletableFuture<ByteBuf> read(long lba, int blocks) { return inner.read(lba, blocks); }
    @Override public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) { return inner.write(lba, data, fua); }
    @Override public CompletableFuture<Void> flush() { return inner.flush(); }
    @Override public CompletableFuture<Void> unmap(long lba, long blocks) { throw new AssertionError("unmap called"); }
    @Override public void close() { inner.close(); }
}
