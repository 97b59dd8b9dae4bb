package io.cistern.thinpool.pool;

import io.cistern.thinpool.meta.DatasetRecord;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongIterator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Small writes held in memory and placed at a sync in block order, after ZFS's dirty data. Placed as
 * they come, 4 KiB random writes scatter a volume over the device (a 1 MiB read of it took 256
 * device reads); held and placed in block order in contiguous space ({@link Engine#fillReservoir}),
 * the blocks of a volume range that one sync placed lie side by side on the device, a read gathers
 * them with one device read ({@link BlockMap}: 17 instead of 256 per MiB, as {@code
 * bench/LayoutModel.java} predicted), and a sync writes them with a few 1 MiB device writes.
 *
 * <p>A held write is acknowledged at once, as a disk with its write cache on does: it is durable
 * after the next flush. The {@link Engine} syncs everything held before each commit (so a commit
 * holds every write acknowledged before it, and a crash loses a suffix of the unflushed writes, as
 * before), before every operation other than a volume's I/O (flush, snapshot, rollback, resize,
 * properties...), after {@link PoolConfig#commitIntervalMillis()} at the latest, and at close. A
 * read or LBA status overlays held blocks; a write, unmap or zeroing that is not held first syncs
 * the held blocks of its range, which are older.
 *
 * <p>Space for held blocks is reserved when they are acknowledged (ZFS's tempreserve), from the
 * pool's accounting and from the allocator's free space, so a sync does not run out of space. A
 * write that cannot reserve is not held: it goes the direct way and gets its out-of-space answer.
 * Only a file system under the pool that turns out full at the sync can refuse held blocks: they
 * stay held (reads see them), the operations that need them (flushes) fail with that refusal until
 * there is room again, and no write is held while the device refuses.
 *
 * <p>Thread-safety: metadata thread only.
 */
final class WriteBack {
    /** Largest write held: larger ones already land in order, block after block. */
    static final int MAX_WRITE_BYTES = 64 * 1024;
    /** Most blocks placed by one {@link Writer} call at a sync. */
    private static final int MAX_RUN_BLOCKS = 256;
    /** What an all-zero held block reads as (a hole; it reserves nothing). */
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(0);

    private final Engine engine;
    private final Catalog catalog;
    private final Writer writer;
    private final Space space;
    private final long limit;
    private final long intervalNanos;
    /**
     * Held blocks by volume, then block: the block's data (null: zeros) and the bytes it reserved.
     * Hashed by the primitive block number, and sorted only where block order is needed (a sync): a
     * sorted map of 16k random blocks cost a cache miss per level at each insert, some 6% of the
     * daemon's CPU in 4 KiB random writes, and boxed keys a miss per comparison (session 22).
     */
    private final Map<Long, Long2ObjectOpenHashMap<Held>> volumes = new HashMap<>();
    /** Blocks held, and the bytes reserved for them. */
    private long count;
    private long bytes;
    /** When the oldest held write came (System.nanoTime). */
    private long since;

    private record Held(Stored data, long reserved) {
    }

    WriteBack(Engine engine, Catalog catalog, Writer writer, Space space, long limitBytes, long intervalMillis) {
        this.engine = engine;
        this.catalog = catalog;
        this.writer = writer;
        this.space = space;
        this.limit = limitBytes;
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    /** True if a write of {@code bytes} would be held (FUA writes and partial blocks never are). */
    boolean holds(int bytes) {
        return limit > 0 && bytes > 0 && bytes <= Math.min(MAX_WRITE_BYTES, limit);
    }

    /**
     * Holds whole blocks {@code first..} of head {@code h} (null: zeros) if space can be reserved for
     * them; syncs first if they would exceed the limit. False if not held: the caller writes them
     * the direct way. The blocks must be copies of their own (no span), kept as they are: a held
     * write is acknowledged at once, and its caller may then reuse its buffers.
     */
    boolean hold(DatasetRecord h, long first, Stored[] blocks) {
        long need = 0;
        for (Stored s : blocks) {
            if (s != null && s.span() != null) {
                throw new IllegalArgumentException("a held block must be a copy of its own, not a view of the caller's"
                        + " buffer");
            }
            need += s == null ? 0 : h.volblocksize;
        }
        if (bytes + need > limit) {
            syncAll();
        }
        if (bytes + need > limit || engine.deviceFull() || engine.allocator.freeBytes() - bytes < need
                || !space.reserve(need)) {
            return false;
        }
        if (count == 0) {
            since = System.nanoTime();
        }
        Long2ObjectOpenHashMap<Held> held = volumes.computeIfAbsent(h.id, k -> new Long2ObjectOpenHashMap<>());
        bytes += need;
        for (int i = 0; i < blocks.length; i++) {
            Stored s = blocks[i];
            Held old = held.put(first + i, new Held(s, s == null ? 0 : h.volblocksize));
            if (old == null) {
                count++;
            } else { // replaced before it was placed
                space.release(old.reserved());
                bytes -= old.reserved();
            }
        }
        return true;
    }

    /**
     * The held blocks among {@code first..first+count-1} of volume {@code id}: each block's bytes, an
     * empty buffer for zeros, null where nothing is held; null if nothing in the range is.
     */
    ByteBuffer[] overlay(long id, long first, int count) {
        Long2ObjectOpenHashMap<Held> held = volumes.get(id);
        long[] blocks = held == null ? null : heldIn(held, first, first + count);
        if (blocks == null || blocks.length == 0) {
            return null;
        }
        ByteBuffer[] out = new ByteBuffer[count];
        for (long b : blocks) {
            Stored s = held.get(b).data();
            out[(int) (b - first)] = s == null ? ZEROS : s.block();
        }
        return out;
    }

    /** The first block in {@code [from, end)} of volume {@code id} that is held, else {@code end}. */
    long nextHeld(long id, long from, long end) {
        Long2ObjectOpenHashMap<Held> held = volumes.get(id);
        long next = end;
        if (held != null && end - from <= held.size()) {
            for (long b = from; b < end; b++) {
                if (held.containsKey(b)) {
                    return b;
                }
            }
        } else if (held != null) {
            for (LongIterator it = held.keySet().iterator(); it.hasNext(); ) {
                long b = it.nextLong();
                next = b >= from && b < next ? b : next;
            }
        }
        return next;
    }

    /** Places the held blocks of {@code h} in {@code [from, to)}: before a write there that is not held. */
    void sync(DatasetRecord h, long from, long to) {
        Long2ObjectOpenHashMap<Held> held = volumes.get(h.id);
        long[] blocks = held == null || held.isEmpty() ? null : heldIn(held, from, to);
        if (blocks != null && blocks.length > 0) {
            place(h, held, blocks);
        }
    }

    /** The held blocks in {@code [from, to)}, in order: probed one by one, or picked from all held, whichever is fewer. */
    private static long[] heldIn(Long2ObjectOpenHashMap<Held> held, long from, long to) {
        long[] out = new long[(int) Math.min(held.size(), to - from)];
        int n = 0;
        if (to - from <= held.size()) {
            for (long b = from; b < to; b++) {
                if (held.containsKey(b)) {
                    out[n++] = b;
                }
            }
            return Arrays.copyOf(out, n);
        }
        for (LongIterator it = held.keySet().iterator(); it.hasNext(); ) {
            long b = it.nextLong();
            if (b >= from && b < to) {
                out[n++] = b;
            }
        }
        Arrays.sort(out, 0, n);
        return Arrays.copyOf(out, n);
    }

    /** Places every held block, volume by volume in block order. */
    void syncAll() {
        if (count > 0) {
            engine.fillReservoir(bytes); // contiguous space for the blocks in order
        }
        try {
            syncVolumes();
        } finally {
            engine.drainReservoir();
        }
    }

    private void syncVolumes() {
        for (Iterator<Map.Entry<Long, Long2ObjectOpenHashMap<Held>>> it = volumes.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long2ObjectOpenHashMap<Held>> v = it.next();
            if (!v.getValue().isEmpty()) {
                try {
                    place(catalog.live(v.getKey()), v.getValue(), heldIn(v.getValue(), 0, Long.MAX_VALUE));
                } catch (PoolException e) {
                    since = System.nanoTime(); // the next try after another interval
                    throw e;
                }
            }
            it.remove();
        }
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** True once the oldest held write has waited the commit interval. */
    boolean due(long now) {
        return count > 0 && now - since >= intervalNanos;
    }

    /** Milliseconds until {@link #due}, at most {@code max}. */
    long millisUntilDue(long now, long max) {
        if (count == 0) {
            return max;
        }
        return Math.max(0, Math.min(max, (since + intervalNanos - now + 999_999) / 1_000_000));
    }

    /**
     * Places {@code blocks} (held, in order) through the writer, runs of adjacent blocks in one call
     * each, their data gathered in one {@link WriteRun}; each placed run leaves {@code held} at once,
     * so a refusal (out of space below the pool) leaves the rest held, and the engine settled.
     */
    private void place(DatasetRecord h, Long2ObjectOpenHashMap<Held> held, long[] blocks) {
        WriteRun run = new WriteRun(engine);
        try {
            for (int i = 0; i < blocks.length; ) {
                long first = blocks[i];
                int n = 1;
                while (i + n < blocks.length && n < MAX_RUN_BLOCKS && blocks[i + n] == first + n) {
                    n++;
                }
                Stored[] data = new Stored[n];
                long reserved = 0;
                for (int k = 0; k < n; k++) {
                    Held x = held.get(first + k);
                    data[k] = x.data();
                    reserved += x.reserved();
                }
                space.release(reserved); // the write charges them now
                try {
                    writer.write(h, first, data, run);
                } catch (PoolException e) {
                    space.restore(reserved); // refused before changing anything: they stay held
                    throw e;
                }
                for (int k = 0; k < n; k++) {
                    held.remove(first + k);
                }
                count -= n;
                bytes -= reserved;
                engine.settle();
                i += n;
            }
        } finally {
            run.flush();
        }
    }
}
