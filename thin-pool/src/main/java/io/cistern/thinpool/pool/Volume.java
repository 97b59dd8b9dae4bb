package io.cistern.thinpool.pool;

import io.cistern.thinpool.meta.DatasetRecord;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;

/**
 * A handle on one volume, clone or snapshot: byte-addressed, asynchronous I/O. Any offset and length
 * within volsize work; a write that covers part of a block reads, modifies and writes that block
 * inside the pool, atomically with respect to other I/O.
 *
 * <p>Futures complete on the pool's threads (callers hop to their own before heavy work). A write
 * without FUA completes once it is visible to reads, and is durable after the next completed
 * {@link #flush()} or at the commit interval; with FUA it completes once durable. Failures are
 * {@link PoolException}s: OUT_OF_SPACE (reads go on), CHECKSUM, READ_ONLY, IO.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class Volume {
    /** A run of blocks with the same provisioning status, in bytes. */
    public record Status(long offset, long length, boolean mapped) {
    }

    private final Pool pool;
    private final long id;
    private final UUID uuid;
    private final int volblocksize;
    private final boolean snapshot;
    private final List<Runnable> capacityListeners = new CopyOnWriteArrayList<>();
    private volatile String name;
    private volatile long volsize;
    private volatile boolean readOnly;
    private volatile boolean reserved;

    Volume(Pool pool, DatasetRecord r) {
        this.pool = pool;
        this.id = r.id;
        this.uuid = r.uuid;
        this.volblocksize = r.volblocksize;
        this.snapshot = r.snapshot();
        refresh(r);
    }

    /** Called on the pool thread whenever the record's visible properties may have changed. */
    void refresh(DatasetRecord r) {
        long old = volsize;
        name = r.name;
        volsize = r.volsize;
        readOnly = r.readOnly;
        reserved = r.refreservation != 0;
        if (old != 0 && old != r.volsize) {
            capacityListeners.forEach(l -> ForkJoinPool.commonPool().execute(l));
        }
    }

    long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public UUID uuid() {
        return uuid;
    }

    public long volsize() {
        return volsize;
    }

    public int volblocksize() {
        return volblocksize;
    }

    public boolean readOnly() {
        return readOnly || snapshot;
    }

    /** True for a reserved (thick) volume, false for a sparse one. */
    public boolean reserved() {
        return reserved;
    }

    public boolean snapshot() {
        return snapshot;
    }

    /** Runs {@code listener} (on another thread) whenever volsize changes. */
    public void onCapacityChange(Runnable listener) {
        capacityListeners.add(listener);
    }

    /** Reads {@code length} bytes at {@code offset} into a new heap buffer; unwritten bytes read as zeros. */
    public CompletableFuture<ByteBuffer> read(long offset, int length) {
        ByteBuffer dst = ByteBuffer.allocate(length);
        return read(offset, dst).thenApply(v -> dst);
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst} (a direct buffer saves
     * a copy), without moving its position; unwritten bytes read as zeros. The caller must not
     * touch {@code dst} until the future completes; after a failure its bytes are unspecified.
     */
    public CompletableFuture<Void> read(long offset, ByteBuffer dst) {
        return pool.io().read(id, offset, dst);
    }

    /**
     * Writes the remaining bytes of {@code data} at {@code offset}. The caller must not modify
     * {@code data} until the future completes; its position is not changed.
     */
    public CompletableFuture<Void> write(long offset, ByteBuffer data, boolean fua) {
        return write(offset, new ByteBuffer[] {data}, fua);
    }

    /**
     * Writes the remaining bytes of {@code data}, one buffer after the other (e.g. the data segments
     * of one SCSI command, heap or direct), at {@code offset}: whole blocks go to the device straight
     * from them. The caller must not modify them until the future completes; positions do not change.
     */
    public CompletableFuture<Void> write(long offset, ByteBuffer[] data, boolean fua) {
        return pool.io().write(id, volblocksize, offset, data, fua);
    }

    /** Completes once every write completed before this call is durable. */
    public CompletableFuture<Void> flush() {
        return pool.flush();
    }

    /** Deallocates the range: it reads as zeros, and whole blocks give their space back at once. */
    public CompletableFuture<Void> unmap(long offset, long length) {
        return pool.io().unmap(id, offset, length);
    }

    /** The run of blocks from the one containing {@code offset} with the same mapped status. */
    public CompletableFuture<Status> status(long offset) {
        return pool.io().status(id, offset);
    }

    public VolumeProperties properties() {
        return pool.properties(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
