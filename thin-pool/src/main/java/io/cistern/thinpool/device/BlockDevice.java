package io.cistern.thinpool.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * The raw space a pool lives on: a file, a block device or memory. Offsets are bytes from the start
 * of the device. The pool never overwrites live data in place, so a device needs no atomicity beyond
 * "a completed {@link #sync()} makes every earlier completed write durable".
 *
 * <p>Behind an interface so tests can inject faults (drop every write not yet synced, fail reads).
 *
 * <p>Thread-safety: implementations accept concurrent calls on disjoint ranges.
 */
public interface BlockDevice extends AutoCloseable {

    /** Capacity in bytes. */
    long size();

    /** Reads exactly {@code dst.remaining()} bytes at {@code offset} into {@code dst}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * Reads bytes from {@code offset} on into the remaining bytes of each part in turn, as one read
     * of their summed length (a scattering read: blocks near each other on the device land in their
     * places in a request's buffer without a copy). The parts' positions advance as by {@link #read}.
     */
    default void read(long offset, ByteBuffer[] parts) throws IOException {
        long at = offset;
        for (ByteBuffer part : parts) {
            int n = part.remaining();
            read(at, part);
            at += n;
        }
    }

    /** Writes all remaining bytes of {@code src} at {@code offset}; durable only after {@link #sync()}. */
    void write(long offset, ByteBuffer src) throws IOException;

    /**
     * Writes the remaining bytes of each part in turn from {@code offset} on, as one write of their
     * summed length (a gathering write: blocks bound for consecutive places go in one call, without
     * first being copied together). The parts' positions advance as by {@link #write}.
     */
    default void write(long offset, ByteBuffer[] parts) throws IOException {
        long at = offset;
        for (ByteBuffer part : parts) {
            int n = part.remaining();
            write(at, part);
            at += n;
        }
    }

    /** Makes every write completed before this call durable (fdatasync). */
    void sync() throws IOException;

    /**
     * Gives the storage behind a range back to the layer below (fallocate PUNCH_HOLE on a file); the
     * range then reads as zeros. Returns false if this device cannot, which is never an error.
     */
    boolean punchHole(long offset, long length) throws IOException;

    /**
     * Makes sure that writes to a range about to be handed out will find storage below it (a sparse
     * file's blocks are allocated now, not at the write, which could then fail after the metadata
     * already points at the range), leaving at least {@code headroom} bytes free in the file system
     * below for what shares it, the metadata store above all. {@code freeAfter}: bytes after the
     * range that are free too, which the device may back at the same time (allocation runs forward,
     * so they are likely next; one call per megabyte instead of one per write), asked only then: it
     * costs a search of the free space. Returns false if the room is not there: the caller refuses
     * the write as out of space and may try again once space is freed. A device whose space is all
     * there (memory, a block device) returns true.
     */
    default boolean back(long offset, long length, LongSupplier freeAfter, long headroom) throws IOException {
        return true;
    }

    /**
     * True if what {@link #punchHole} gives back goes to others (a sparse file's blocks to its file
     * system), so that free space the device still backs after a crash is worth giving back at the
     * next open. A block device's discards only tell the medium; its space stays the pool's.
     */
    default boolean sharesSpace() {
        return false;
    }

    /** True if writes are refused (an external read-only base image). */
    default boolean readOnly() {
        return false;
    }

    @Override
    void close() throws IOException;
}
