package io.cistern.thinpool.pool;

import io.cistern.thinpool.alloc.Extent;
import io.cistern.thinpool.csum.Crc32c;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.Mapping;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Replaces whole blocks of a head, redirect-on-write: new bytes go to newly allocated space, then
 * the map points at them. The version a block had is freed if it was born after the head's latest
 * snapshot (nobody else sees it), or else moves to the dead list, still mapped for the snapshots.
 * A block of zeros (or an unmapped one) allocates nothing: it becomes a hole if something older
 * would otherwise show through, and disappears otherwise.
 *
 * <p>Each call is one all-or-nothing step: it computes the change in the head's charge first and
 * fails with out-of-space before touching anything.
 *
 * <p>Thread-safety: metadata thread only.
 */
final class Writer {
    private static final byte[] EMPTY = new byte[0];

    private final Engine engine;
    private final Catalog catalog;
    private final BlockMap map;
    private final Space space;

    Writer(Engine engine, Catalog catalog, BlockMap map, Space space) {
        this.engine = engine;
        this.catalog = catalog;
        this.map = map;
        this.space = space;
    }

    /**
     * One block's change: what it had (own version and whether an older one is kept, or what showed
     * through) and what it gets, with its CRC32C.
     */
    private record Change(long block, BlockMap.Version cur, boolean older, BlockMap.View inherited, ByteBuffer data,
            int crc) {
    }

    /** {@link #write(DatasetRecord, long, ByteBuffer[], int[])}, testing for zeros and summing here. */
    CompletableFuture<Void> write(DatasetRecord h, long first, ByteBuffer[] blocks) {
        ByteBuffer[] data = blocks.clone();
        int[] crcs = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            if (data[i] != null && BlockMap.isZero(data[i])) {
                data[i] = null;
            }
            crcs[i] = data[i] == null ? 0 : Crc32c.of(data[i].duplicate());
        }
        return write(h, first, data, crcs);
    }

    /**
     * Sets blocks {@code first..first+blocks.length-1} of head {@code h}; a null buffer unmaps the
     * block (the caller turned all-zero blocks into nulls and summed the others into {@code crcs}, off
     * the metadata thread). Each buffer holds exactly volblocksize bytes and must not change until
     * the returned future, which completes when the data is on the device, completes.
     */
    CompletableFuture<Void> write(DatasetRecord h, long first, ByteBuffer[] blocks, int[] crcs) {
        int vbs = h.volblocksize;
        int n = blocks.length;
        boolean[] older = new boolean[n];
        BlockMap.Version[] curs = map.find(h.id, first, n, Long.MAX_VALUE, older);
        boolean inherits = h.originId != 0 || !h.externalOrigin.isEmpty();
        BlockMap.View[] shown = inherits ? map.views(h, first, n) : null;
        List<Change> changes = new ArrayList<>(blocks.length);
        long dRef = 0;
        long dLogical = 0;
        long dDataset = 0;
        long dSnap = 0;
        long dWritten = 0;
        int dataBlocks = 0;
        for (int i = 0; i < n; i++) {
            long block = first + i;
            ByteBuffer data = blocks[i];
            BlockMap.Version cur = curs[i];
            BlockMap.View inherited = cur != null ? null : inherits ? shown[i] : BlockMap.NOTHING;
            if (data == null && (cur == null ? !inherited.hasData() : cur.mapping().hole())) {
                continue; // already reads as zeros
            }
            Change c = new Change(block, cur, older[i], inherited, data, crcs[i]);
            changes.add(c);
            int newLen = data == null ? 0 : vbs;
            dataBlocks += data == null ? 0 : 1;
            dRef += newLen - oldReferenced(c);
            dLogical += (data == null ? 0 : vbs) - (shows(c) ? vbs : 0);
            dDataset += newLen;
            dWritten += newLen;
            if (cur != null) {
                dDataset -= cur.mapping().length();
                if (cur.birth() > h.latestSnapGen) {
                    dWritten -= cur.mapping().length();
                } else {
                    dSnap += cur.mapping().length();
                }
            }
        }
        if (changes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long reservationAfter = Math.max(0, h.refreservation - (h.written + dWritten));
        long charge = (long) dataBlocks * vbs - freedBytes(h, changes) + reservationAfter - h.usedByRefreservation();
        space.require(charge, first, "write to '" + h.name + "'");
        List<Extent> extents = allocate((long) dataBlocks * vbs, vbs, first);

        Batch batch = engine.batch();
        long gen = catalog.gen();
        Run run = new Run();
        int extent = 0;
        long within = 0;
        for (Change c : changes) {
            removeOld(h, c, gen, batch);
            if (c.data() != null) {
                Extent e = extents.get(extent);
                long offset = e.offset() + within;
                within += vbs;
                if (within == e.length()) {
                    extent++;
                    within = 0;
                }
                run.add(offset, c.data());
                batch.put(Keys.map(h.id, c.block(), gen), new Mapping(offset, vbs, c.crc()).encode());
            } else if (needsHole(h, c)) {
                batch.put(Keys.map(h.id, c.block(), gen), Mapping.HOLE.encode());
            }
        }
        run.flush();
        h.referenced += dRef;
        h.logicalReferenced += dLogical;
        h.usedByDataset += dDataset;
        h.usedBySnapshots += dSnap;
        h.written += dWritten;
        catalog.touch(h);
        space.checkThreshold();
        return run.written();
    }

    /**
     * Unmaps whole blocks {@code [from, to)} of head {@code h}. A head without an origin is walked by
     * its own map keys, so unmapping a large, mostly empty range costs what is mapped in it.
     */
    void unmap(DatasetRecord h, long from, long to) {
        if (h.originId != 0 || !h.externalOrigin.isEmpty()) {
            for (long b = from; b < to; b += 1024) { // an origin may show through anywhere
                write(h, b, new ByteBuffer[(int) Math.min(1024, to - b)]);
                commitIfLarge();
            }
            return;
        }
        long next = from;
        while (next < to) {
            List<Long> blocks = new ArrayList<>();
            try (KeyValueStore.Cursor c = engine.batch().scan(engine.store, Keys.mapBlock(h.id, next), Keys.mapBlock(h.id, to))) {
                while (blocks.size() < 1024 && c.next()) {
                    long b = Keys.mapBlockOf(c.key());
                    if (blocks.isEmpty() || blocks.get(blocks.size() - 1) != b) {
                        blocks.add(b);
                    }
                }
            }
            if (blocks.isEmpty()) {
                return;
            }
            for (long b : blocks) {
                write(h, b, new ByteBuffer[1]);
            }
            next = blocks.get(blocks.size() - 1) + 1;
            commitIfLarge();
        }
    }

    private void commitIfLarge() {
        if (engine.batch().size() >= 1 << 16) {
            engine.commit();
        }
    }

    /**
     * Blocks bound for consecutive device offsets, written with one device write on a writer thread:
     * straight from the caller's buffer when the blocks are consecutive in it, else joined.
     */
    private final class Run {
        private final List<ByteBuffer> blocks = new ArrayList<>();
        private final List<CompletableFuture<Void>> writes = new ArrayList<>(1);
        private long start;
        private long end;

        void add(long offset, ByteBuffer data) {
            if (!blocks.isEmpty() && offset != end) {
                flush();
            }
            if (blocks.isEmpty()) {
                start = offset;
                end = offset;
            }
            blocks.add(data);
            end += data.remaining();
        }

        void flush() {
            if (!blocks.isEmpty()) {
                writes.add(engine.writeData(start, joined()));
            }
            blocks.clear();
        }

        /** The run as one buffer: a view of the caller's array if the blocks follow each other in it. */
        private ByteBuffer joined() {
            ByteBuffer first = blocks.get(0);
            if (blocks.size() == 1) {
                return first.duplicate();
            }
            if (first.hasArray()) {
                int at = first.arrayOffset() + first.position();
                boolean adjacent = true;
                for (ByteBuffer b : blocks) {
                    adjacent &= b.hasArray() && b.array() == first.array() && b.arrayOffset() + b.position() == at;
                    at += b.remaining();
                }
                if (adjacent) {
                    return ByteBuffer.wrap(first.array(), first.arrayOffset() + first.position(), (int) (end - start));
                }
            }
            ByteBuffer joined = ByteBuffer.allocate((int) (end - start));
            blocks.forEach(b -> joined.put(b.duplicate()));
            return joined.flip();
        }

        CompletableFuture<Void> written() {
            return writes.size() == 1 ? writes.get(0) : CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        }
    }

    /** Bytes the changes give back to the pool: old versions nobody else holds. */
    private long freedBytes(DatasetRecord h, List<Change> changes) {
        long freed = 0;
        for (Change c : changes) {
            BlockMap.Version cur = c.cur();
            if (cur != null && cur.birth() > h.latestSnapGen && !cur.mapping().hole()
                    && !engine.refs.shared(engine.batch(), cur.mapping().offset())) {
                freed += cur.mapping().length();
            }
        }
        return freed;
    }

    private static long oldReferenced(Change c) {
        if (c.cur() != null) {
            return c.cur().mapping().length();
        }
        return c.inherited().mapping() == null ? 0 : c.inherited().mapping().length();
    }

    /** True if the block showed pool data before (for logicalreferenced; external bytes do not count). */
    private static boolean shows(Change c) {
        if (c.cur() != null) {
            return !c.cur().mapping().hole();
        }
        return c.inherited().mapping() != null && !c.inherited().mapping().hole();
    }

    /** Frees the old own version, or hands it to the snapshots that still see it. */
    private void removeOld(DatasetRecord h, Change c, long gen, Batch batch) {
        BlockMap.Version cur = c.cur();
        if (cur == null) {
            return;
        }
        if (cur.birth() > h.latestSnapGen) {
            batch.delete(Keys.map(h.id, c.block(), cur.birth()));
            if (!cur.mapping().hole()) {
                engine.free(new Extent(cur.mapping().offset(), cur.mapping().length()));
            }
        } else {
            batch.put(Keys.dead(h.id, gen, c.block(), cur.birth()), EMPTY);
        }
    }

    /** After removing the old version, would anything older show through? Then a hole must hide it. */
    private boolean needsHole(DatasetRecord h, Change c) {
        BlockMap.Version cur = c.cur();
        if (cur == null) {
            return c.inherited().hasData();
        }
        if (cur.birth() <= h.latestSnapGen) {
            return true; // the old version stays in the map for the snapshots
        }
        if (c.older()) {
            return true; // an older version kept for a snapshot (even a hole) must never become the newest
        }
        return (h.originId != 0 || !h.externalOrigin.isEmpty())
                && map.view(h, c.block()).hasData(); // the old version is deleted in the batch already
    }

    private List<Extent> allocate(long bytes, int chunk, long block) {
        if (bytes == 0) {
            return List.of();
        }
        List<Extent> got = engine.allocator.allocate(bytes, chunk);
        if (got.isEmpty() && engine.deferredBytes() > 0) {
            engine.commit(); // space freed since the last commit becomes allocatable
            got = engine.allocator.allocate(bytes, chunk);
        }
        if (got.isEmpty()) {
            throw new PoolException(PoolException.Kind.OUT_OF_SPACE, block, "out of space: no " + bytes
                    + " free bytes on the device (" + engine.allocator.freeBytes() + " free)", null);
        }
        engine.allocated(got);
        return got;
    }
}
