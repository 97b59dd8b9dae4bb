package io.cistern.thinpool.pool;

import io.cistern.thinpool.alloc.ExtentAllocator;
import io.cistern.thinpool.csum.Crc32c;
import io.cistern.thinpool.dedup.DedupStats;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.DedupKeys;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.DeadRecord;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.Mapping;
import io.cistern.thinpool.meta.PoolRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleConsumer;

/**
 * Scrub (read and verify every stored block) and check (fsck of the metadata); both report rather
 * than repair. Scrub runs in slices between other operations. Check first commits, so it looks at
 * exactly what is on disk, and walks everything in one operation, holding up I/O meanwhile: it is
 * for tests, repair tools and idle pools.
 *
 * <p>Thread-safety: metadata thread only (scrub submits its own slices).
 */
final class Inspector {
    private static final int SCRUB_SLICE = 4096;
    private final Engine engine;
    private final Catalog catalog;
    private final BlockMap map;
    private final MapStore maps;

    Inspector(Engine engine, Catalog catalog, BlockMap map) {
        this.engine = engine;
        this.catalog = catalog;
        this.map = map;
        this.maps = engine.records;
    }

    /** Progress of a scrub between its steps. */
    private static final class Scrub {
        final CompletableFuture<ScrubReport> result = new CompletableFuture<>();
        final DoubleConsumer progress;
        long total = -1; // bytes allocated when the scrub began: what it expects to read
        final List<ScrubReport.Damage> damaged = new ArrayList<>();
        byte[] from = {Keys.MAP};
        long blocks;
        long bytes;
        MapStore.Rec last; // the record verified last: the next is live unless it has the same range

        Scrub(DoubleConsumer progress) {
            this.progress = progress;
        }
    }

    /**
     * Reads and verifies every stored version, a slice per operation so I/O goes on in between.
     * Each slice sees the maps as they are then; space freed meanwhile is not reused before the
     * commit that frees it, so a version read is never one whose bytes were overwritten.
     * {@code progress} hears the share done (0..1) after each slice, as zpool status estimates it:
     * bytes read over bytes allocated at the start; an extent shared by clones is read once per map,
     * so the estimate is capped below 1 until the walk ends.
     */
    CompletableFuture<ScrubReport> scrub(DoubleConsumer progress) {
        Scrub s = new Scrub(progress);
        next(s);
        return s.result;
    }

    private void next(Scrub s) {
        engine.call(() -> step(s)).whenComplete((more, e) -> {
            if (e != null) {
                s.result.completeExceptionally(e);
            } else if (more) {
                s.progress.accept(Math.min(0.99, s.total == 0 ? 0 : (double) s.bytes / s.total));
                next(s);
            } else {
                s.progress.accept(1.0);
                s.result.complete(new ScrubReport(s.blocks, s.bytes, List.copyOf(s.damaged)));
            }
        });
    }

    /** Verifies up to {@link #SCRUB_SLICE} versions; returns true if there are more. */
    private boolean step(Scrub s) {
        if (s.total < 0) {
            PoolRecord sb = catalog.superblock();
            s.total = sb.dataEnd() - sb.dataStart() - engine.allocator.freeBytes();
        }
        int n = 0;
        try (MapStore.Records rs = maps.records(s.from, Keys.end(Keys.MAP))) {
            for (MapStore.Rec r = rs.next(); r != null; r = rs.next()) {
                if (n >= SCRUB_SLICE) {
                    s.from = rs.key();
                    return true;
                }
                boolean live = !r.sameRange(s.last); // the newest version of its blocks
                s.last = r;
                for (int i = 0; i < r.count(); i++) {
                    Mapping m = r.value().mapping(i);
                    if (!m.hole()) {
                        verify(s, r.mapId(), r.first() + i, live, m);
                    }
                }
                n += r.count();
            }
        }
        return false;
    }

    private void verify(Scrub s, long mapId, long block, boolean live, Mapping m) {
        s.blocks++;
        s.bytes += m.length();
        String reason;
        try {
            ByteBuffer data = ByteBuffer.allocate(m.length());
            engine.awaitWritten(m.address(), m.length());
            engine.device.read(m.address(), data);
            reason = Crc32c.of(data.flip()) == m.crc() ? null : "checksum mismatch";
        } catch (IOException e) {
            reason = "read error: " + e.getMessage();
        }
        if (reason != null) {
            s.damaged.add(new ScrubReport.Damage(catalog.get(mapId).name, block, live, reason));
        }
    }

    CheckReport check() {
        engine.commit();
        List<String> problems = new ArrayList<>();
        Map<Long, DatasetRecord> heads = new HashMap<>();
        catalog.heads().forEach(h -> heads.put(h.id, h));
        boolean dedup = engine.store.get(DedupKeys.count()) != null; // the table was ever used
        Tally t = new Tally(dedup, problems);
        MapStore.Rec last = null;
        try (KeyValueStore.Cursor c = engine.store.scan(new byte[] {Keys.MAP}, Keys.end(Keys.MAP))) {
            while (c.next()) {
                MapStore.Rec r;
                try {
                    r = MapStore.decode(c.key(), c.value());
                } catch (IllegalArgumentException e) {
                    problems.add("map " + Keys.mapIdOf(c.key()) + " block " + Keys.mapBlockOf(c.key())
                            + ": bad record: " + e.getMessage());
                    continue;
                }
                DatasetRecord h = heads.get(r.mapId());
                if (h == null) {
                    problems.add("map " + r.mapId() + " block " + r.last() + " belongs to no volume");
                    continue;
                }
                checkRecord(r, last, h, problems);
                boolean live = !r.sameRange(last);
                last = r;
                for (int i = 0; i < r.count(); i++) {
                    t.version(h, r.first() + i, r.birth(), r.value().mapping(i), live);
                }
            }
        }
        checkExtents(t.extents, problems);
        checkFragments(t.fragments, t.extents, problems);
        checkOwners(t.owners, problems);
        if (dedup) {
            checkDedupTable(t.extents, t.blockRefs, problems);
        }
        checkDeadList(problems);
        PoolRecord sb = catalog.superblock();
        long allocated = engine.freelist.load(new ExtentAllocator(sb.unit()), sb.dataStart(), sb.dataEnd());
        if (allocated != t.mapped) {
            problems.add("freelist records " + allocated + " bytes allocated but maps hold " + t.mapped
                    + (allocated > t.mapped ? " (leak)" : " (lost)"));
        }
        for (DatasetRecord h : catalog.heads()) {
            long[] counter = t.counters.getOrDefault(h.id, new long[4]);
            if (counter[0] != h.usedByDataset || counter[1] != h.usedBySnapshots || counter[2] != h.written) {
                problems.add(h.name + ": counters say usedbydataset " + h.usedByDataset + ", usedbysnapshots "
                        + h.usedBySnapshots + ", written " + h.written + " but the map holds " + counter[0] + ", "
                        + counter[1] + " and " + counter[2]);
            }
            if (counter[3] != h.logicalUsed) {
                problems.add(h.name + ": counters say logicalused " + h.logicalUsed + " but the map holds " + counter[3]);
            }
        }
        return new CheckReport(t.extents.size(), t.mapped, allocated, problems);
    }

    /**
     * A record keeps the maps' invariant (it covers blocks disjoint from or identical to the record
     * before it) and, if a run, holds blocks of its head's volblocksize.
     */
    private static void checkRecord(MapStore.Rec r, MapStore.Rec before, DatasetRecord h, List<String> problems) {
        if (r.first() < 0) {
            problems.add(h.name + ": record ending at block " + r.last() + " starts before block 0");
        }
        if (before != null && before.mapId() == r.mapId() && r.first() <= before.last() && !r.sameRange(before)) {
            problems.add(h.name + ": record of blocks " + r.first() + ".." + r.last() + " born " + r.birth()
                    + " overlaps blocks " + before.first() + ".." + before.last() + " born " + before.birth());
        }
        if (r.value().isRun() && r.value().mapping(0).length() != h.volblocksize) {
            problems.add(h.name + ": run of blocks " + r.first() + ".." + r.last() + " holds blocks of "
                    + r.value().mapping(0).length() + " bytes, not " + h.volblocksize);
        }
    }

    /** What the maps hold, summed version by version. */
    private final class Tally {
        final TreeMap<Long, Long> extents = new TreeMap<>();
        final Map<Long, Integer> owners = new HashMap<>();
        final Map<Long, long[]> counters = new HashMap<>(); // head id -> {usedByDataset, usedBySnapshots, written, logicalUsed}
        final Map<Long, Integer> blockRefs = new HashMap<>(); // device address of a stored block -> map entries
        final Map<Long, TreeMap<Integer, Integer>> fragments = new HashMap<>(); // packed extent -> fragment offset -> length
        final boolean dedup;
        final List<String> problems;
        long mapped;

        Tally(boolean dedup, List<String> problems) {
            this.dedup = dedup;
            this.problems = problems;
        }

        void version(DatasetRecord h, long block, long birth, Mapping m, boolean live) {
            long[] counter = counters.computeIfAbsent(h.id, k -> new long[4]);
            if (m.hole()) {
                return;
            }
            counter[live ? 0 : 1] += m.length();
            if (live && birth > h.latestSnapGen) {
                counter[2] += m.length();
            }
            counter[3] += h.volblocksize;
            long bytes = m.extentBytes(engine.allocator.unit());
            Long before = extents.put(m.offset(), bytes);
            owners.merge(m.offset(), 1, Integer::sum);
            if (dedup) {
                blockRefs.merge(m.address(), 1, Integer::sum);
            }
            if (m.packed()) {
                Integer length = fragments.computeIfAbsent(m.offset(), k -> new TreeMap<>())
                        .put(m.fragmentOffset(), m.length());
                if (length != null && length != m.length()) {
                    problems.add("extent " + m.offset() + ": fragment at " + m.fragmentOffset() + " mapped with lengths "
                            + length + " and " + m.length());
                }
            }
            if (before == null) {
                mapped += bytes;
            } else if (before != bytes) {
                problems.add("extent " + m.offset() + " mapped with lengths " + before + " and " + bytes);
            }
            if (!engine.freelist.isAllocated(m.offset(), bytes)) {
                problems.add("extent " + m.offset() + "+" + bytes + " of " + h.name + " block " + block
                        + " is mapped but recorded free");
            }
        }
    }

    /** No two mapped extents share device space (a doubly-owned block). */
    private static void checkExtents(TreeMap<Long, Long> extents, List<String> problems) {
        long end = -1;
        for (Map.Entry<Long, Long> e : extents.entrySet()) {
            if (e.getKey() < end) {
                problems.add("extent " + e.getKey() + " overlaps the extent before it");
            }
            end = Math.max(end, e.getKey() + e.getValue());
        }
    }

    /** The fragments of a packed extent lie inside it and apart (appending never overlaps live ones). */
    private static void checkFragments(Map<Long, TreeMap<Integer, Integer>> fragments, Map<Long, Long> extents,
            List<String> problems) {
        fragments.forEach((extent, in) -> {
            long end = 0;
            for (Map.Entry<Integer, Integer> f : in.entrySet()) {
                if (f.getKey() < end) {
                    problems.add("extent " + extent + ": fragment at " + f.getKey() + " overlaps the one before it");
                }
                end = f.getKey() + (long) f.getValue();
            }
            if (end > extents.get(extent)) {
                problems.add("extent " + extent + ": fragments end at " + end + ", past its " + extents.get(extent) + " bytes");
            }
        });
    }

    /** An extent in k maps has a count of k-1 extra owners; no count exists for an unmapped extent. */
    private void checkOwners(Map<Long, Integer> owners, List<String> problems) {
        owners.forEach((offset, n) -> {
            int extra = engine.refs.extra(engine.batch(), offset);
            if (extra != n - 1) {
                problems.add("extent " + offset + " is mapped " + n + " times but counts " + (extra + 1) + " owners");
            }
        });
        try (KeyValueStore.Cursor c = engine.store.scan(new byte[] {Keys.REFS}, Keys.end(Keys.REFS))) {
            while (c.next()) {
                long offset = ByteBuffer.wrap(c.key(), 1, 8).getLong();
                if (!owners.containsKey(offset)) {
                    problems.add("extent " + offset + " has an owner count but no map points at it");
                }
            }
        }
    }

    /**
     * Every dedup-table entry points at a block of a mapped extent and has its back reference; every
     * back reference has its entry; the stored count, allocated and referenced bytes are the sums.
     */
    private void checkDedupTable(Map<Long, Long> extents, Map<Long, Integer> blockRefs, List<String> problems) {
        long entries = 0;
        long allocated = 0;
        long referenced = 0;
        Set<ByteBuffer> backrefs = new HashSet<>();
        try (KeyValueStore.Cursor c = engine.store.scan(DedupKeys.entryPrefix(new byte[0]), Keys.end(DedupKeys.DDT))) {
            while (c.next()) {
                if (c.key().length == 1) {
                    continue; // the counts
                }
                entries++;
                Mapping m = Mapping.decode(c.value());
                byte[] hash = DedupKeys.hashOf(c.key());
                String entry = "DDT entry " + HexFormat.of().formatHex(hash, 0, 8) + " (extent " + m.offset() + ")";
                if (!Long.valueOf(m.extentBytes(engine.allocator.unit())).equals(extents.get(m.offset()))) {
                    problems.add(entry + " points at an extent no map holds" + (extents.containsKey(m.offset())
                            ? " with that length" : " (freed)"));
                }
                byte[] backref = DedupKeys.backref(m.offset(), m.fragmentOffset());
                byte[] half = engine.store.get(backref);
                if (half == null || !Arrays.equals(half, Arrays.copyOf(hash, DedupKeys.BACKREF_HASH_BYTES))) {
                    problems.add(entry + " has no back reference");
                }
                backrefs.add(ByteBuffer.wrap(backref));
                allocated += m.length();
                referenced += (long) m.length() * blockRefs.getOrDefault(m.address(), 0);
            }
        }
        try (KeyValueStore.Cursor c = engine.store.scan(new byte[] {DedupKeys.BACKREF}, Keys.end(DedupKeys.BACKREF))) {
            while (c.next()) {
                if (!backrefs.contains(ByteBuffer.wrap(c.key()))) {
                    problems.add("DDT back reference at extent " + DedupKeys.backrefExtentOf(c.key()) + " has no entry");
                }
            }
        }
        ByteBuffer counts = ByteBuffer.wrap(engine.store.get(DedupKeys.count()));
        long[] stored = {counts.getLong(), counts.getLong(), counts.getLong()};
        DedupStats live = engine.ddt.stats();
        if (stored[0] != entries || stored[1] != allocated || stored[2] != referenced || live.entries() != entries
                || live.allocatedBytes() != allocated || live.referencedBytes() != referenced) {
            problems.add("DDT counts say " + Arrays.toString(stored) + " entries, allocated and referenced bytes"
                    + " (in memory " + live.entries() + ", " + live.allocatedBytes() + ", " + live.referencedBytes()
                    + ") but the table holds " + entries + ", " + allocated + ", " + referenced);
        }
    }

    /** Every dead-list entry names a version that exists and is not the live one. */
    private void checkDeadList(List<String> problems) {
        try (KeyValueStore.Cursor c = engine.store.scan(new byte[] {Keys.DEAD}, Keys.end(Keys.DEAD))) {
            while (c.next()) {
                long mapId = Keys.mapIdOf(c.key());
                DeadRecord r;
                try {
                    r = DeadRecord.decode(c.key(), c.value());
                } catch (IllegalArgumentException e) {
                    problems.add("dead-list record of map " + mapId + " at block " + Keys.deadBlockOf(c.key())
                            + " is malformed: " + e.getMessage());
                    continue;
                }
                for (int i = 0; i < r.size(); i++) {
                    long block = r.block(i);
                    long birth = r.birth(i);
                    if (maps.get(mapId, block, birth) == null) {
                        problems.add("dead-list entry for map " + mapId + " block " + block + " birth " + birth
                                + " has no version");
                    } else {
                        BlockMap.Version newest = map.find(mapId, block, Long.MAX_VALUE);
                        if (newest != null && newest.birth() == birth) {
                            problems.add("map " + mapId + " block " + block + ": live version is on the dead list");
                        }
                    }
                }
            }
        }
    }
}
