package io.cistern.target.backend;

import io.netty.buffer.PooledByteBufAllocator;

/**
 * The one allocator of the target's buffers: socket reads, Data-Out, read data. Netty's pooled
 * direct allocator, with 16 MiB chunks instead of its default 4 MiB: with a few 1 MiB commands in
 * flight, a 4 MiB chunk empties often enough that the pool destroys it and makes (zeroes, faults in)
 * a new one for the next command. Measured: a third of the daemon's CPU in 1 MiB reads of a thin
 * volume, a sixth of a file LUN's (docs/benchmarks.md, session 21).
 */
public final class IoBuffers {
    /** 8 KiB pages << 11: 16 MiB chunks. */
    private static final int MAX_ORDER = 11;

    public static final PooledByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true,
            PooledByteBufAllocator.defaultNumHeapArena(), PooledByteBufAllocator.defaultNumDirectArena(),
            PooledByteBufAllocator.defaultPageSize(), MAX_ORDER, PooledByteBufAllocator.defaultSmallCacheSize(),
            PooledByteBufAllocator.defaultNormalCacheSize(), PooledByteBufAllocator.defaultUseCacheForAllThreads());

    private IoBuffers() {
    }
}
