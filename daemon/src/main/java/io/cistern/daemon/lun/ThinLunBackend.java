package io.cistern.daemon.lun;

import io.cistern.target.backend.IoBuffers;
import io.cistern.target.backend.LunBackend;
import io.cistern.target.backend.LunFailure;
import io.cistern.target.backend.Plug;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolException;
import io.cistern.thinpool.pool.Volume;
import io.netty.buffer.ByteBuf;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A LUN on a thin-pool volume: 512-byte logical blocks over the volume's bytes, the volume's
 * volblocksize as the grain. Sub-grain writes are fine: the pool reads, patches and writes the grain.
 *
 * <p>Pool failures become {@link LunFailure}s: a damaged block is UNRECOVERED READ ERROR (never wrong
 * data), a full pool under a sparse volume SPACE ALLOCATION FAILED, a read-only volume or snapshot
 * WRITE PROTECTED. Nothing here blocks: every call returns the pool's future, mapped.
 *
 * <p>Ownership: {@link #read} returns a new pooled direct buffer the caller releases; {@link #write} only
 * reads {@code data} until its future completes and never releases it.
 *
 * <p>On a {@linkplain Plug plugged} thread the pool keeps the I/O until the thread unplugs: one
 * hand-over to the pool's thread per burst of commands.
 *
 * <p>Thread-safety: the pool serializes all operations; any thread may call.
 */
public final class ThinLunBackend implements LunBackend {
    private static final int BLOCK = 512;

    private final Pool pool;
    private final Volume volume;
    private final Supplier<Runnable> plug;

    public ThinLunBackend(Pool pool, Volume volume) {
        this.pool = pool;
        this.volume = volume;
        this.plug = pool::plug;
    }

    @Override
    public int blockSize() {
        return BLOCK;
    }

    @Override
    public long blockCount() {
        return volume.volsize() / BLOCK;
    }

    @Override
    public int grainSize() {
        return volume.volblocksize();
    }

    @Override
    public Provisioning provisioning() {
        return volume.reserved() ? Provisioning.FULL : Provisioning.THIN;
    }

    @Override
    public boolean supportsUnmap() {
        return !volume.readOnly();
    }

    @Override
    public boolean readOnly() {
        return volume.readOnly();
    }

    @Override
    public UUID uuid() {
        return volume.uuid();
    }

    /** Reads into a pooled direct buffer, which the pool fills and Netty sends without a copy. */
    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        int length = blocks * BLOCK;
        ByteBuf buf = IoBuffers.ALLOCATOR.directBuffer(length, length);
        plugged();
        CompletableFuture<Void> read;
        try {
            read = volume.read(lba * BLOCK, buf.nioBuffer(0, length)).whenComplete((v, e) -> {
                if (e != null) {
                    buf.release(); // the caller only owns it on success
                }
            });
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return mapped(read, lba, false, v -> buf.writerIndex(length));
    }

    /**
     * Hands the pool the data in the pieces it arrived in (the command's data segments): whole
     * blocks go to the device straight from the PDUs' memory, with no joining copy.
     */
    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        plugged();
        return mapped(volume.write(lba * BLOCK, data.nioBuffers(data.readerIndex(), data.readableBytes()), fua), lba,
                true, Function.identity());
    }

    @Override
    public CompletableFuture<Void> flush() {
        plugged();
        return mapped(volume.flush(), -1, true, Function.identity());
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        plugged();
        return mapped(volume.unmap(lba * BLOCK, blocks * BLOCK), lba, true, Function.identity());
    }

    @Override
    public CompletableFuture<LbaStatus> lbaStatus(long lba) {
        plugged();
        return mapped(volume.status(lba * BLOCK), lba, false,
                s -> new LbaStatus(lba, (s.offset() + s.length()) / BLOCK - lba, s.mapped()));
    }

    @Override
    public void listen(Listener listener) {
        pool.onSoftThreshold(listener::softThresholdReached);
        volume.onCapacityChange(listener::capacityChanged);
    }

    /** Waits for every operation already submitted; the pool itself stays open (the daemon owns it). */
    @Override
    public void close() {
        volume.flush().exceptionally(e -> null).join();
    }

    /** Keeps this call's pool I/O until the thread unplugs, if it is plugged. */
    private void plugged() {
        Plug.attach(pool, plug);
    }

    /** Completes with {@code ok(value)}, or exceptionally with the LunFailure itself (not wrapped). */
    private <T, R> CompletableFuture<R> mapped(CompletableFuture<T> f, long lba, boolean writing, Function<T, R> ok) {
        CompletableFuture<R> result = new CompletableFuture<>();
        f.whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(failure(error, lba, writing));
                return;
            }
            try {
                result.complete(ok.apply(value));
            } catch (RuntimeException e) {
                result.completeExceptionally(failure(e, lba, writing));
            }
        });
        return result;
    }

    private LunFailure failure(Throwable error, long lba, boolean writing) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (!(cause instanceof PoolException pe)) {
            return new LunFailure(LunFailure.Reason.INTERNAL_FAILURE, "thin pool: " + cause, cause);
        }
        long failedLba = pe.block() >= 0 ? Math.max(lba, pe.block() * (volume.volblocksize() / BLOCK)) : lba;
        LunFailure.Reason reason = switch (pe.kind()) {
            case CHECKSUM -> LunFailure.Reason.UNRECOVERED_READ_ERROR;
            case OUT_OF_SPACE -> LunFailure.Reason.SPACE_ALLOCATION_FAILED;
            case READ_ONLY -> LunFailure.Reason.WRITE_PROTECTED;
            case INVALID_ARGUMENT -> LunFailure.Reason.LBA_OUT_OF_RANGE;
            case IO -> writing ? LunFailure.Reason.WRITE_ERROR : LunFailure.Reason.UNRECOVERED_READ_ERROR;
            default -> LunFailure.Reason.INTERNAL_FAILURE;
        };
        return new LunFailure(reason, failedLba, pe.getMessage());
    }
}
