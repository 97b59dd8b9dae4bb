package io.cistern.target.scsi.sbc;

import io.cistern.target.backend.LunBackend;

/**
 * The limits this device server enforces and reports in the Block Limits VPD page (SBC-3 6.5.3):
 * one source for both, so the page never promises what the commands refuse.
 */
public final class BlockLimits {

    /** Bytes per READ/WRITE: bounds the buffer one command may pin. */
    private static final int MAX_TRANSFER_BYTES = 8 << 20;
    public static final int MAX_UNMAP_DESCRIPTORS = 256;
    public static final long MAX_UNMAP_BLOCKS = 1L << 20; // libiscsi insists on at most 1Mi (or unlimited)
    // Below 65536: libiscsi then does not test it with a single 65536-block WRITE(16), beyond MAX TRANSFER.
    public static final long MAX_WRITE_SAME_BLOCKS = 1L << 15;
    public static final int MAX_COMPARE_AND_WRITE_BLOCKS = 128;

    private BlockLimits() {
    }

    public static int maxTransferBlocks(LunBackend backend) {
        return MAX_TRANSFER_BYTES / backend.blockSize();
    }

    /** Logical blocks per grain (physical block), at least 1. */
    public static int blocksPerGrain(LunBackend backend) {
        return Math.max(1, backend.grainSize() / backend.blockSize());
    }
}
