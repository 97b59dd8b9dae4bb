package io.cistern.target.backend;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A thin, sparse logical unit in memory, for tests and scratch LUNs: storage is allocated one
 * grain at a time on first write, and UNMAP frees every grain it covers entirely (a partly covered
 * grain is zeroed and stays mapped). Operations complete on the caller's thread: copying memory
 * does not block.
 */
public final class MemoryBackend implements LunBackend {

    private final int blockSize;
    private final int grainSize;
    private final int blocksPerGrain;
    private final boolean readOnly;
    private final UUID uuid = UUID.randomUUID();
    private final ConcurrentSkipListMap<Long, byte[]> grains = new ConcurrentSkipListMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile long blockCount;

    /** A writable unit with 4 KiB grains. */
    public MemoryBackend(long blockCount, int blockSize) {
        this(blockCount, blockSize, Math.max(4096, blockSize), false);
    }

    /** @param grainSize a multiple of {@code blockSize} */
    public MemoryBackend(long blockCount, int blockSize, int grainSize, boolean readOnly) {
        if (grainSize % blockSize != 0) {
            throw new IllegalArgumentException("grain " + grainSize + " is not a multiple of block " + blockSize);
        }
        this.blockCount = blockCount;
        this.blockSize = blockSize;
        this.grainSize = grainSize;
        this.blocksPerGrain = grainSize / blockSize;
        this.readOnly = readOnly;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public int grainSize() {
        return grainSize;
    }

    @Override
    public Provisioning provisioning() {
        return Provisioning.THIN;
    }

    @Override
    public boolean supportsUnmap() {
        return true;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public UUID uuid() {
        return uuid;
    }

    /** Changes the capacity (shrinking drops the data beyond it) and tells the listeners. */
    public void resize(long newBlockCount) {
        blockCount = newBlockCount;
        grains.tailMap(Math.floorDiv(newBlockCount + blocksPerGrain - 1, blocksPerGrain)).clear();
        listeners.forEach(Listener::capacityChanged);
    }

    /** Number of grains holding data, for tests of thin provisioning. */
    public int allocatedGrains() {
        return grains.size();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        if (outOfRange(lba, blocks)) {
            return CompletableFuture.failedFuture(new LunFailure(LunFailure.Reason.LBA_OUT_OF_RANGE, lba, "read"));
        }
        ByteBuf out = IoBuffers.ALLOCATOR.buffer(blocks * blockSize);
        long position = lba * blockSize;
        long end = position + (long) blocks * blockSize;
        while (position < end) {
            long grain = position / grainSize;
            int offset = (int) (position % grainSize);
            int n = (int) Math.min(grainSize - offset, end - position);
            byte[] data = grains.get(grain);
            if (data == null) {
                out.writeZero(n);
            } else {
                out.writeBytes(data, offset, n);
            }
            position += n;
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        int blocks = data.readableBytes() / blockSize;
        if (outOfRange(lba, blocks)) {
            return CompletableFuture.failedFuture(new LunFailure(LunFailure.Reason.LBA_OUT_OF_RANGE, lba, "write"));
        }
        if (readOnly) {
            return CompletableFuture.failedFuture(new LunFailure(LunFailure.Reason.WRITE_PROTECTED, lba, "read-only"));
        }
        long position = lba * blockSize;
        int from = data.readerIndex();
        int remaining = blocks * blockSize;
        while (remaining > 0) {
            long grain = position / grainSize;
            int offset = (int) (position % grainSize);
            int n = Math.min(grainSize - offset, remaining);
            byte[] target = grains.computeIfAbsent(grain, g -> new byte[grainSize]);
            data.getBytes(from, target, offset, n);
            from += n;
            position += n;
            remaining -= n;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        if (outOfRange(lba, blocks)) {
            return CompletableFuture.failedFuture(new LunFailure(LunFailure.Reason.LBA_OUT_OF_RANGE, lba, "unmap"));
        }
        long end = lba + blocks;
        long lba0 = lba;
        while (lba0 < end) {
            long grain = lba0 / blocksPerGrain;
            long grainStart = grain * blocksPerGrain;
            long n = Math.min(grainStart + blocksPerGrain, end) - lba0;
            if (n == blocksPerGrain) {
                grains.remove(grain);
            } else {
                byte[] data = grains.get(grain);
                if (data != null) {
                    int offset = (int) (lba0 - grainStart) * blockSize;
                    Arrays.fill(data, offset, offset + (int) n * blockSize, (byte) 0);
                }
            }
            lba0 += n;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<LbaStatus> lbaStatus(long lba) {
        long grain = lba / blocksPerGrain;
        boolean mapped = grains.containsKey(grain);
        long next = grain + 1;
        if (mapped) {
            while (grains.containsKey(next)) {
                next++;
            }
        } else {
            Map.Entry<Long, byte[]> higher = grains.higherEntry(grain);
            next = higher == null ? Long.MAX_VALUE : higher.getKey();
        }
        long end = Math.min(blockCount, next >= Long.MAX_VALUE / blocksPerGrain ? Long.MAX_VALUE : next * blocksPerGrain);
        return CompletableFuture.completedFuture(new LbaStatus(lba, end - lba, mapped));
    }

    @Override
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Tells the listeners that allocation crossed the soft threshold (for tests of that unit attention). */
    public void reportSoftThreshold() {
        listeners.forEach(Listener::softThresholdReached);
    }

    @Override
    public void close() {
        grains.clear();
    }

    private boolean outOfRange(long lba, long blocks) {
        return lba < 0 || blocks < 0 || lba > blockCount || blocks > blockCount - lba;
    }
}
