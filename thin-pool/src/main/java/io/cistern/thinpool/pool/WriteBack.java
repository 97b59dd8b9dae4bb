package io.cistern.thinpool.pool;

import io.cistern.thinpool.meta.DatasetRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

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
 * before), before every operation other than reads and writes (flush, snapshot, rollback, resize,
 * properties...), after {@link PoolConfig#commitIntervalMillis()} at the latest, and at close. A
 * read overlays held blocks; a write, unmap or zeroing that is not held first syncs the held blocks
 * of its range, which are older.
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
    /** Held blocks by volume, then block: the block's data (null: zeros) and the bytes it reserved. */
    private final Map<Long, TreeMap<Long, Held>> volumes = new HashMap<>();
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
     * Holds whole blocks {@code first..} of head {@code h} (null: zeros), copied, if space can be
     * reserved for them; syncs first if they would exceed the limit. False if not held: the caller
     * writes them the direct way.
     */
    boolean hold(DatasetRecord h, long first, Stored[] blocks) {
        long need = 0;
        for (Stored s : blocks) {
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
        TreeMap<Long, Held> held = volumes.computeIfAbsent(h.id, k -> new TreeMap<>());
        bytes += need;
        for (int i = 0; i < blocks.length; i++) {
            Stored s = blocks[i];
            Held old = held.put(first + i, new Held(s == null ? null : s.detached(), s == null ? 0 : h.volblocksize));
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
        TreeMap<Long, Held> held = volumes.get(id);
        NavigableMap<Long, Held> range = held == null ? null : held.subMap(first, true, first + count, false);
        if (range == null || range.isEmpty()) {
            return null;
        }
        ByteBuffer[] out = new ByteBuffer[count];
        for (Map.Entry<Long, Held> e : range.entrySet()) {
            Stored s = e.getValue().data();
            out[(int) (e.getKey() - first)] = s == null ? ZEROS : s.block();
        }
        return out;
    }

    /** The first block in {@code [from, end)} of volume {@code id} that is held, else {@code end}. */
    long nextHeld(long id, long from, long end) {
        TreeMap<Long, Held> held = volumes.get(id);
        Long next = held == null ? null : held.ceilingKey(from);
        return next == null ? end : Math.min(next, end);
    }

    /** Places the held blocks of {@code h} in {@code [from, to)}: before a write there that is not held. */
    void sync(DatasetRecord h, long from, long to) {
        TreeMap<Long, Held> held = volumes.get(h.id);
        NavigableMap<Long, Held> range = held == null ? null : held.subMap(from, true, to, false);
        if (range != null && !range.isEmpty()) {
            place(h, range);
        }
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
        for (Iterator<Map.Entry<Long, TreeMap<Long, Held>>> it = volumes.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, TreeMap<Long, Held>> v = it.next();
            if (!v.getValue().isEmpty()) {
                try {
                    place(catalog.live(v.getKey()), v.getValue());
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
     * Places the blocks of {@code held} through the writer, runs of adjacent blocks in one call each,
     * their data gathered in one {@link WriteRun}; each placed run leaves {@code held} at once, so a
     * refusal (out of space below the pool) leaves the rest held, and the engine settled.
     */
    private void place(DatasetRecord h, NavigableMap<Long, Held> held) {
        WriteRun run = new WriteRun(engine);
        try {
            while (!held.isEmpty()) {
                long first = held.firstKey();
                List<Held> blocks = new ArrayList<>();
                for (Map.Entry<Long, Held> e : held.tailMap(first, true).entrySet()) {
                    if (e.getKey() != first + blocks.size() || blocks.size() == MAX_RUN_BLOCKS) {
                        break;
                    }
                    blocks.add(e.getValue());
                }
                Stored[] data = new Stored[blocks.size()];
                long reserved = 0;
                for (int i = 0; i < data.length; i++) {
                    data[i] = blocks.get(i).data();
                    reserved += blocks.get(i).reserved();
                }
                space.release(reserved); // the write charges them now
                try {
                    writer.write(h, first, data, run);
                } catch (PoolException e) {
                    space.restore(reserved); // refused before changing anything: they stay held
                    throw e;
                }
                held.subMap(first, true, first + data.length, false).clear();
                count -= data.length;
                bytes -= reserved;
                engine.settle();
            }
        } finally {
            run.flush();
        }
    }
}
