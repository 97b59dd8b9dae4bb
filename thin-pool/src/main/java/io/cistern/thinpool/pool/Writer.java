package io.cistern.thinpool.pool;

import io.cistern.thinpool.alloc.Extent;
import io.cistern.thinpool.compress.Packer;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Mapping;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final Engine engine;
    private final Catalog catalog;
    private final BlockMap map;
    private final Space space;
    private final Deduper deduper;
    private final MapStore maps;

    Writer(Engine engine, Catalog catalog, BlockMap map, Space space, Deduper deduper) {
        this.engine = engine;
        this.catalog = catalog;
        this.map = map;
        this.space = space;
        this.deduper = deduper;
        this.maps = engine.records;
    }

    /** Largest packed extent: a fragment's offset in it has 16 bits, and a map entry counts units in 8. */
    private static final int MAX_PACKED_BYTES = 64 * 1024;

    private static int maxPackedBytes(int unit) {
        return Math.min(255 * unit, Math.max(unit, MAX_PACKED_BYTES / unit * unit));
    }

    /**
     * One block's change: what it had (own version and whether an older one is kept, or what showed
     * through) and what it gets: new data stored here, or (dedup) the block of a table entry or of
     * an earlier change of the same write.
     */
    private record Change(long block, BlockMap.Version cur, boolean older, BlockMap.View inherited, Stored data,
            Deduper.Match match) {
    }

    /** {@link #write(DatasetRecord, long, Stored[])} of plain blocks, stored here with the head's settings. */
    CompletableFuture<Void> write(DatasetRecord h, long first, ByteBuffer[] blocks) {
        Stored[] stored = new Stored[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            stored[i] = blocks[i] == null ? null : Stored.of(blocks[i], h.compression);
        }
        return write(h, first, stored);
    }

    /**
     * Sets blocks {@code first..first+blocks.length-1} of head {@code h}; a null unmaps the block (the
     * caller turned all-zero blocks into nulls and compressed, summed and hashed the others, off the
     * metadata thread). If the head dedups, a block found in the dedup table (or earlier in this
     * write) gets an owner of that block instead of space; the others are stored, and entered in the
     * table. Compressed blocks are packed into extents at their real size; the rest get a block
     * each. The buffers must not change until the returned future, which completes when the data is
     * on the device, completes.
     */
    CompletableFuture<Void> write(DatasetRecord h, long first, Stored[] blocks) {
        WriteRun run = new WriteRun(engine);
        write(h, first, blocks, run);
        run.flush();
        return run.written();
    }

    /**
     * {@link #write(DatasetRecord, long, Stored[])} with the data queued on {@code run}, which the
     * caller flushes: writes placed one after the other go to the device together.
     */
    void write(DatasetRecord h, long first, Stored[] blocks, WriteRun run) {
        Plan p = plan(h, first, blocks);
        if (p.changes.isEmpty()) {
            return;
        }
        List<Extent> extents = extentsFor(h, first, p);
        Batch batch = engine.batch();
        share(p, batch);
        Mapping[] placed = place(h, first, blocks.length, p, extents, batch, run);
        if (p.dedup.active()) {
            enter(p.changes, placed, batch);
        }
        p.charge(h);
        catalog.touch(h);
        space.checkThreshold();
    }

    /**
     * What one write changes, worked out before anything is touched: the blocks' changes, how their
     * new data is stored (packed fragments, raw blocks) and what the head's accounting gains.
     */
    private static final class Plan {
        final List<Change> changes;
        final Deduper.Write dedup;
        final Packer packer;
        final List<ByteBuffer> fragments = new ArrayList<>();
        int rawBlocks;
        List<Packer.PackedExtent> packed;
        /** Fragments appended to the pool's open packed extent. */
        int appended;
        long dRef;
        long dLogical;
        long dLogicalUsed;
        long dDataset;
        long dSnap;
        long dWritten;

        Plan(int blocks, Deduper.Write dedup, Packer packer) {
            this.changes = new ArrayList<>(blocks);
            this.dedup = dedup;
            this.packer = packer;
        }

        void charge(DatasetRecord h) {
            h.referenced += dRef;
            h.logicalReferenced += dLogical;
            h.logicalUsed += dLogicalUsed;
            h.usedByDataset += dDataset;
            h.usedBySnapshots += dSnap;
            h.written += dWritten;
        }
    }

    /** Each block's change and the head's accounting deltas; the fragments sealed into packed extents. */
    private Plan plan(DatasetRecord h, long first, Stored[] blocks) {
        int vbs = h.volblocksize;
        int n = blocks.length;
        boolean[] older = new boolean[n];
        BlockMap.Version[] curs = map.find(h.id, first, n, Long.MAX_VALUE, older);
        boolean inherits = h.originId != 0 || !h.externalOrigin.isEmpty();
        BlockMap.View[] shown = inherits ? map.inherited(h, first, n) : null;
        int unit = (int) engine.allocator.unit();
        OpenExtent open = engine.openExtent;
        Plan p = new Plan(n, deduper.new Write(h),
                new Packer(unit, maxPackedBytes(unit), open.isOpen() ? open.end() : Packer.NONE));
        for (int i = 0; i < n; i++) {
            Stored data = deduper.current(h, blocks[i]); // the settings may have changed since the caller stored it
            BlockMap.Version cur = curs[i];
            BlockMap.View inherited = inherits ? shown[i] : BlockMap.NOTHING;
            if (data == null && (cur == null ? !inherited.hasData() : cur.mapping().hole())) {
                continue; // already reads as zeros
            }
            Deduper.Match match = data == null ? Deduper.Match.NONE : p.dedup.match(p.changes.size(), data);
            Change c = new Change(first + i, cur, older[i], inherited, data, match);
            int newLen = data == null ? 0 : match.entry() != null ? match.entry().length()
                    : match.twin() >= 0 ? p.changes.get(match.twin()).data().length() : data.length();
            p.changes.add(c);
            if (data != null && match.stores() && data.packed()) {
                p.packer.add(newLen);
                p.fragments.add(data.bytes());
            } else if (data != null && match.stores()) {
                p.rawBlocks++;
            }
            p.dRef += newLen - oldReferenced(c);
            p.dLogical += (data == null ? 0 : vbs) - (shows(c) ? vbs : 0);
            p.dLogicalUsed += data == null ? 0 : vbs;
            p.dDataset += newLen;
            p.dWritten += newLen;
            if (cur != null) {
                p.dDataset -= cur.mapping().length();
                if (cur.birth() > h.latestSnapGen) {
                    p.dWritten -= cur.mapping().length();
                    p.dLogicalUsed -= cur.mapping().hole() ? 0 : vbs;
                } else {
                    p.dSnap += cur.mapping().length();
                }
            }
        }
        p.packed = p.packer.seal(true);
        p.appended = !p.packed.isEmpty() && p.packed.get(0).continued() ? p.packed.get(0).slots().size() : 0;
        return p;
    }

    /**
     * The extents for the plan's raw blocks and new packed extents, charged against the head's
     * reservation and what the write frees. Without room to leave a packed extent open, the packed
     * extents are sealed again to only what the fragments use.
     */
    private List<Extent> extentsFor(DatasetRecord h, long first, Plan p) {
        int unit = (int) engine.allocator.unit();
        long freed = freedBytes(h, p.changes, p.appended);
        long reservationAfter = Math.max(0, h.refreservation - (h.written + p.dWritten));
        long charge = reservationAfter - h.usedByRefreservation() - freed;
        try {
            return allocate(h, p.rawBlocks, h.volblocksize, p.packed, unit, first, charge);
        } catch (PoolException e) {
            List<Packer.PackedExtent> tight = p.packer.seal(false);
            if (e.kind() != PoolException.Kind.OUT_OF_SPACE || p.packed.equals(tight)) {
                throw e;
            }
            p.packed = tight;
            return allocate(h, p.rawBlocks, h.volblocksize, p.packed, unit, first, charge);
        }
    }

    /** Owners first: an old version dropped below must not free a block shared here, nor the open extent appended to. */
    private void share(Plan p, Batch batch) {
        for (Change c : p.changes) {
            if (c.match().entry() != null) {
                engine.refs.share(batch, c.match().entry().offset());
                engine.ddt.shared(batch, c.match().entry().encode());
            }
        }
        if (p.appended > 0) {
            engine.refs.share(batch, engine.openExtent.offset(), p.appended);
        }
    }

    /**
     * Removes each block's old version and maps the new one: a table entry's block, a twin's, a slot
     * of a packed extent or a block of the raw extents. Queues the data on {@code run}; returns where
     * each change's data now is.
     */
    private Mapping[] place(DatasetRecord h, long first, int n, Plan p, List<Extent> extents, Batch batch, WriteRun run) {
        int vbs = h.volblocksize;
        int unit = (int) engine.allocator.unit();
        OpenExtent open = engine.openExtent;
        boolean appends = p.appended > 0;
        List<Packer.PackedExtent> packed = p.packed;
        List<Packer.Slot> slots = packed.isEmpty() ? List.of() : packed.stream().flatMap(e -> e.slots().stream()).toList();
        long[] packedAt = new long[packed.size()]; // device offset of each packed extent: the open one, then the new
        int newPacked = extents.size() - packed.size() + (appends ? 1 : 0); // allocated after the raw blocks
        for (int i = 0; i < packed.size(); i++) {
            packedAt[i] = appends && i == 0 ? open.offset() : extents.get(newPacked++).offset();
        }
        long gen = catalog.gen();
        int extent = 0;
        long within = 0;
        int fragment = 0;
        Mapping[] placed = new Mapping[p.changes.size()];
        MapStore.Update update = new MapStore.Update(h.id, first, n);
        for (int i = 0; i < p.changes.size(); i++) {
            Change c = p.changes.get(i);
            removeOld(h, c, gen, update);
            Stored data = c.data();
            if (data == null) {
                if (needsHole(h, c)) {
                    update.add(c.block(), gen, Mapping.HOLE, false);
                }
                continue;
            }
            if (c.match().entry() != null) {
                placed[i] = c.match().entry();
            } else if (c.match().twin() >= 0) {
                placed[i] = placed[c.match().twin()];
            } else if (data.packed()) {
                Packer.Slot s = slots.get(fragment++);
                Packer.PackedExtent pe = packed.get(s.extent());
                placed[i] = new Mapping(packedAt[s.extent()], data.length(), data.crc(), s.offset(), pe.units(), data.codec());
            } else {
                Extent e = extents.get(extent);
                long offset = e.offset() + within;
                within += vbs;
                if (within == e.length()) {
                    extent++;
                    within = 0;
                }
                run.add(offset, data.bytes(), data.span());
                placed[i] = new Mapping(offset, vbs, data.crc());
            }
            update.add(c.block(), gen, placed[i], placed[i].length() == vbs && !placed[i].packed()); // may join a run
        }
        maps.apply(batch, update);
        for (int i = 0; i < packed.size(); i++) {
            Packer.PackedExtent pe = packed.get(i);
            ByteBuffer out = ByteBuffer.allocate(pe.end() - pe.from());
            p.packer.fill(pe, p.fragments, out);
            if (!pe.continued()) {
                engine.refs.created(batch, packedAt[i], pe.slots().size());
            }
            run.add(packedAt[i] + pe.from(), out, null);
        }
        if (!packed.isEmpty()) {
            Packer.PackedExtent last = packed.get(packed.size() - 1);
            if ((long) last.units() * unit == p.packer.maxExtentBytes()) {
                open.open(packedAt[packed.size() - 1], last.units(), last.end());
            }
        }
        return placed;
    }

    /** Enters the blocks this write stored in the dedup table, then gives their twins in the write an owner each. */
    private void enter(List<Change> changes, Mapping[] placed, Batch batch) {
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i).match().enter()) {
                engine.ddt.enter(batch, changes.get(i).data().hash(), placed[i].encode());
            }
        }
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i).match().twin() >= 0) {
                engine.refs.share(batch, placed[i].offset()); // after the extent's creation recorded its first owners
                engine.ddt.referenceAdded(batch, placed[i]);
            }
        }
    }

    /**
     * Unmaps whole blocks {@code [from, to)} of head {@code h}. A head without an origin is walked by
     * its own map keys, so unmapping a large, mostly empty range costs what is mapped in it.
     */
    void unmap(DatasetRecord h, long from, long to) {
        if (h.originId != 0 || !h.externalOrigin.isEmpty()) {
            for (long b = from; b < to; b += 1024) { // an origin may show through anywhere
                write(h, b, new Stored[(int) Math.min(1024, to - b)]);
                commitIfLarge();
            }
            return;
        }
        long next = from;
        while (next < to) {
            List<long[]> stretches = new ArrayList<>(); // [start, end) of mapped blocks
            long blocks = 0;
            try (MapStore.Records rs = maps.records(h.id, next)) {
                for (MapStore.Rec r = rs.next(); r != null && r.first() < to && blocks < 1024; r = rs.next()) {
                    long start = Math.max(r.first(), next);
                    long end = Math.min(r.last() + 1, to);
                    long[] last = stretches.isEmpty() ? null : stretches.get(stretches.size() - 1);
                    if (last != null && start <= last[1]) {
                        blocks += Math.max(0, end - last[1]);
                        last[1] = Math.max(last[1], end);
                    } else {
                        stretches.add(new long[] {start, end});
                        blocks += end - start;
                    }
                }
            }
            if (stretches.isEmpty()) {
                return;
            }
            for (long[] s : stretches) {
                for (long b = s[0]; b < s[1]; b += 1024) {
                    write(h, b, new Stored[(int) Math.min(1024, s[1] - b)]);
                }
            }
            next = stretches.get(stretches.size() - 1)[1];
            commitIfLarge();
        }
    }

    private void commitIfLarge() {
        if (engine.batch().size() >= 1 << 16) {
            engine.commit();
        }
    }

    /**
     * Bytes the changes give back to the pool: extents whose every owner goes (old versions nobody
     * else holds), less those this write shares again or appends {@code appended} fragments to.
     */
    private long freedBytes(DatasetRecord h, List<Change> changes, int appended) {
        Map<Long, Integer> added = new HashMap<>();
        for (Change c : changes) {
            if (c.match().entry() != null) {
                added.merge(c.match().entry().offset(), 1, Integer::sum);
            }
        }
        if (appended > 0) {
            added.merge(engine.openExtent.offset(), appended, Integer::sum);
        }
        long freed = 0;
        Map<Long, long[]> dropped = new HashMap<>(); // extent offset -> {owners dropped, extent bytes}
        for (Change c : changes) {
            BlockMap.Version cur = c.cur();
            if (cur != null && cur.birth() > h.latestSnapGen && !cur.mapping().hole()) {
                Mapping m = cur.mapping();
                long bytes = m.extentBytes(engine.allocator.unit());
                if (!m.packed() && added.isEmpty() && engine.refs.extra(engine.batch(), m.offset()) == 0) {
                    freed += bytes; // a raw block's own extent: the usual case needs no tally
                    continue;
                }
                long[] d = dropped.computeIfAbsent(m.offset(), k -> new long[2]);
                d[0]++;
                d[1] = bytes;
            }
        }
        for (Map.Entry<Long, long[]> e : dropped.entrySet()) {
            long owners = 1 + engine.refs.extra(engine.batch(), e.getKey()) + added.getOrDefault(e.getKey(), 0);
            if (owners <= e.getValue()[0]) {
                freed += e.getValue()[1];
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
    private void removeOld(DatasetRecord h, Change c, long gen, MapStore.Update update) {
        BlockMap.Version cur = c.cur();
        if (cur == null) {
            return;
        }
        if (cur.birth() > h.latestSnapGen) {
            update.remove(c.block(), cur.birth());
            if (!cur.mapping().hole()) {
                engine.free(cur.mapping(), c.data() != null); // replaced by new data: kept backed
            }
        } else {
            engine.deadList.kill(h.id, gen, c.block(), cur.birth());
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
        return c.inherited().hasData(); // what shows once the old version is gone
    }

    /**
     * Checks that the pool can be charged what the write allocates plus {@code charge} (reservation
     * change less space freed), then finds space for {@code rawBlocks} blocks (any number of extents),
     * then one contiguous extent per new packed extent, in that order; all or nothing, recorded in the
     * batch only once all is found.
     */
    private List<Extent> allocate(DatasetRecord h, int rawBlocks, int vbs, List<Packer.PackedExtent> packed, int unit,
            long block, long charge) {
        long allocating = (long) rawBlocks * vbs;
        for (Packer.PackedExtent pe : packed) {
            allocating += pe.continued() ? 0 : (long) pe.units() * unit;
        }
        space.require(allocating + charge, block, "write to '" + h.name + "'");
        List<Extent> got = new ArrayList<>();
        try {
            if (rawBlocks > 0) {
                got.addAll(allocate((long) rawBlocks * vbs, vbs, block));
            }
            for (Packer.PackedExtent pe : packed) {
                if (!pe.continued()) {
                    got.addAll(allocate((long) pe.units() * unit, (long) pe.units() * unit, block));
                }
            }
        } catch (PoolException e) {
            got.forEach(x -> engine.allocator.release(x.offset(), x.length()));
            throw e;
        }
        engine.allocated(got);
        return got;
    }

    private List<Extent> allocate(long bytes, long chunk, long block) {
        List<Extent> reserved = engine.fromReservoir(bytes); // a sync of held writes: side by side
        if (reserved != null) {
            return reserved;
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
        return got;
    }
}
