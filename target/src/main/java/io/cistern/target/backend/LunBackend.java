package io.cistern.target.backend;

import io.netty.buffer.ByteBuf;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The storage behind one logical unit, as the SCSI core sees it: the only door from the target
 * stack to storage (after LIO's exec ops and SPDK's bdev function table).
 *
 * <p>Every operation is asynchronous and must not block the calling thread, which may be a Netty
 * event loop. Futures may complete on any thread. Failures complete exceptionally with a
 * {@link LunFailure} whose {@link LunFailure.Reason} the SCSI core turns into sense data; a
 * backend never builds sense bytes. Callers have validated ranges against {@link #blockCount()}
 * before calling.
 *
 * <p>Thread-safety: implementations accept concurrent calls from many sessions.
 */
public interface LunBackend extends AutoCloseable {

    /** Logical block size in bytes (512 or 4096). Fixed for the life of the backend. */
    int blockSize();

    /** Current capacity in logical blocks; may change at run time (see {@link Listener#capacityChanged()}). */
    long blockCount();

    /**
     * Preferred I/O granularity in bytes (the mapping grain of a thin volume, e.g. 4096): reported to
     * initiators as the physical block size and the optimal unmap granularity.
     */
    int grainSize();

    /** Thin (space allocated on write, UNMAP frees it) or full (every block backed). */
    Provisioning provisioning();

    /** True if {@link #unmap} really releases space; drives VPD 0xB0/0xB2 and the TPE bit. */
    boolean supportsUnmap();

    /** True if writes are refused (DATA PROTECT, WRITE PROTECTED; the WP bit in MODE SENSE). */
    boolean readOnly();

    /** A stable identity of this unit's storage, used for its NAA designator and serial number. */
    UUID uuid();

    /**
     * Reads {@code blocks} blocks from {@code lba}. The returned buffer holds exactly
     * {@code blocks * blockSize()} bytes and belongs to the caller, who must release it.
     * Unwritten blocks read as zeros.
     */
    CompletableFuture<ByteBuf> read(long lba, int blocks);

    /**
     * Writes {@code data} (a whole number of blocks) at {@code lba}. The caller keeps ownership of
     * {@code data} and must not release or modify it before the future completes. With {@code fua}
     * the data is durable when the future completes; otherwise it is durable after the next
     * completed {@link #flush()}.
     */
    CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua);

    /** Makes every write completed before this call durable. */
    CompletableFuture<Void> flush();

    /**
     * Deallocates {@code blocks} blocks from {@code lba}: afterwards they read as zeros. Only called
     * when {@link #supportsUnmap()}.
     */
    CompletableFuture<Void> unmap(long lba, long blocks);

    /**
     * Provisioning status of the extent starting at {@code lba} (GET LBA STATUS). A backend that
     * does not track allocation answers mapped for the rest of the unit.
     */
    default CompletableFuture<LbaStatus> lbaStatus(long lba) {
        return CompletableFuture.completedFuture(new LbaStatus(lba, blockCount() - lba, true));
    }

    /** Registers the SCSI core's listener for events that become unit attentions. */
    default void listen(Listener listener) {
    }

    /** Closes the backend; pending operations complete first. */
    @Override
    void close();

    enum Provisioning { FULL, THIN }

    /** One extent of the same provisioning status. */
    record LbaStatus(long lba, long blocks, boolean mapped) {
    }

    /** Events the SCSI core reports to initiators as unit attentions. */
    interface Listener {
        /** The capacity changed: CAPACITY DATA HAS CHANGED. */
        default void capacityChanged() {
        }

        /** Allocated space crossed the soft threshold upwards: THIN PROVISIONING SOFT THRESHOLD REACHED. */
        default void softThresholdReached() {
        }
    }
}
