package io.cistern.thinpool.pool;

import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.DeadRecord;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.Mapping;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Snapshots as generations, after ZFS's birth times and dead lists. Taking a snapshot ends the pool's
 * current generation and records it: O(1), whatever the volume's size, and writes never slow down
 * because nothing is copied. A version killed (overwritten or unmapped) at generation k but born at
 * b is still seen by every snapshot with b <= gen < k, so it stays in the map and gets a dead-list
 * entry under k. The versions only snapshot s sees are then exactly the dead entries killed in
 * (s.gen, next.gen] and born after the previous snapshot: destroying s frees those, and their sum
 * is s's "used".
 *
 * <p>Thread-safety: metadata thread only.
 */
final class Snapshots {
    private final Engine engine;
    private final Catalog catalog;
    private final Space space;
    private final MapStore maps;
    private final DeadList deadList;
    /** Most blocks of one map change in snapshot destroy. */
    private static final int STRETCH = 4096;

    Snapshots(Engine engine, Catalog catalog, Space space) {
        this.engine = engine;
        this.catalog = catalog;
        this.space = space;
        this.maps = engine.records;
        this.deadList = engine.deadList;
    }

    /**
     * Snapshots head {@code h}. A reserved head's reservation covers writes since its latest snapshot,
     * so the snapshot re-reserves it in full: refused with out-of-space if the pool cannot.
     */
    DatasetRecord take(DatasetRecord h, String snapName) {
        String name = h.name + "@" + snapName;
        Catalog.checkName(snapName);
        if (catalog.exists(name)) {
            throw new PoolException(PoolException.Kind.ALREADY_EXISTS, "'" + name + "' already exists");
        }
        long more = h.refreservation - h.usedByRefreservation();
        if (more > space.available()) {
            throw new PoolException(PoolException.Kind.OUT_OF_SPACE, -1, "cannot create snapshot '" + name
                    + "': out of space: its refreservation must be re-established, which needs " + more
                    + " bytes and " + space.available() + " are available", null);
        }
        DatasetRecord s = new DatasetRecord();
        s.id = catalog.nextId();
        s.name = name;
        s.kind = DatasetRecord.Kind.SNAPSHOT;
        s.uuid = UUID.randomUUID();
        s.parentId = h.id;
        s.volsize = h.volsize;
        s.volblocksize = h.volblocksize;
        s.readOnly = true;
        s.gen = catalog.endGeneration();
        s.creationMillis = System.currentTimeMillis();
        s.referenced = h.referenced;
        s.written = h.written;
        s.logicalReferenced = h.logicalReferenced;
        catalog.add(s, engine.batch());
        h.latestSnapGen = s.gen;
        h.written = 0;
        catalog.touch(h);
        space.checkThreshold();
        return s;
    }

    /** Bytes only snapshot {@code s} holds: what destroying it would free. */
    long unique(DatasetRecord s) {
        long[] sum = {0};
        forEachOwned(s, m -> sum[0] += m.length());
        return sum[0];
    }

    /** Logical bytes (volblocksize per stored block) only snapshot {@code s} holds. */
    long uniqueLogical(DatasetRecord s) {
        long[] sum = {0};
        forEachOwned(s, m -> sum[0] += m.hole() ? 0 : s.volblocksize);
        return sum[0];
    }

    /** Destroys snapshot {@code s}, freeing what only it held. Clones of it must be gone already. */
    void destroy(DatasetRecord s) {
        if (!catalog.clonesOf(s.id).isEmpty()) {
            throw new PoolException(PoolException.Kind.BUSY, "snapshot '" + s.name + "' has clones: "
                    + catalog.clonesOf(s.id).stream().map(c -> c.name).toList());
        }
        DatasetRecord h = catalog.get(s.parentId);
        List<Kill> owned = new ArrayList<>();
        List<DeadRecord> records = new ArrayList<>();
        List<boolean[]> keeps = new ArrayList<>();
        forEachRecord(s, (r, ownedHere) -> {
            boolean[] keep = new boolean[r.size()];
            for (int i = 0; i < r.size(); i++) {
                keep[i] = !ownedHere[i]; // seen by an earlier snapshot too
                if (ownedHere[i]) {
                    owned.add(new Kill(r.block(i), r.birth(i)));
                }
            }
            records.add(r);
            keeps.add(keep);
        });
        for (int i = 0; i < records.size(); i++) { // collected first: the batch must not change under its cursor
            deadList.retain(records.get(i), keeps.get(i));
        }
        owned.sort(Comparator.comparingLong(Kill::block));
        Batch batch = engine.batch();
        long freed = 0;
        MapStore.Update update = null; // one per stretch of consecutive blocks: a run that goes whole is deleted whole
        for (int i = 0; i < owned.size(); i++) {
            Kill k = owned.get(i);
            Mapping m = mappingOf(h.id, k.block(), k.birth());
            if (update != null && k.block() >= update.first + update.n) { // past its stretch
                maps.apply(batch, update);
                update = null;
            }
            if (update == null) {
                update = new MapStore.Update(h.id, k.block(), stretch(owned, i));
            }
            update.remove(k.block(), k.birth());
            if (!m.hole()) {
                engine.free(m);
                freed += m.length();
                h.logicalUsed -= h.volblocksize;
            }
        }
        if (update != null) {
            maps.apply(batch, update);
        }
        h.usedBySnapshots -= freed;
        if (h.latestSnapGen == s.gen) {
            long prev = neighbours(s)[0];
            h.written += liveBornIn(h, prev, s.gen);
            h.latestSnapGen = prev;
        }
        catalog.remove(s, batch);
        catalog.touch(h);
        space.checkThreshold();
    }

    /**
     * Returns head {@code h} to its latest snapshot {@code s}: versions born since are freed and the
     * versions they killed live again, and volsize is the snapshot's. With an unchanged reservation it
     * never needs more space than the head is already charged.
     */
    void rollback(DatasetRecord h, DatasetRecord s) {
        if (h.latestSnapGen != s.gen) {
            throw new PoolException(PoolException.Kind.BUSY, "'" + s.name
                    + "' is not the latest snapshot; destroy the later snapshots first");
        }
        Batch batch = engine.batch();
        List<MapStore.Rec> born = new ArrayList<>();
        try (MapStore.Records rs = maps.records(Keys.start(Keys.MAP, h.id), Keys.end(Keys.MAP, h.id))) {
            for (MapStore.Rec r = rs.next(); r != null; r = rs.next()) {
                if (r.birth() > s.gen) {
                    born.add(r);
                }
            }
        }
        List<DeadRecord> dead = deadList.records(h.id, s.gen + 1, Long.MAX_VALUE);
        long freed = 0;
        for (MapStore.Rec r : born) { // collected first: the batch must not change under its cursor
            maps.delete(batch, r); // whole records: the invariant holds
            for (int i = 0; i < r.count(); i++) {
                Mapping m = r.value().mapping(i);
                if (!m.hole()) {
                    engine.free(m);
                    freed += m.length();
                    h.logicalUsed -= h.volblocksize;
                }
            }
        }
        long revived = 0;
        for (DeadRecord r : dead) {
            for (int i = 0; i < r.size(); i++) {
                revived += mappingOf(h.id, r.block(i), r.birth(i)).length();
            }
            batch.delete(r.key());
        }
        h.usedByDataset += revived - freed;
        h.usedBySnapshots -= revived;
        h.written = 0;
        h.referenced = s.referenced;
        h.logicalReferenced = s.logicalReferenced;
        h.volsize = s.volsize;
        catalog.touch(h);
        space.checkThreshold();
    }

    /** A dead-list entry: version {@code birth} of {@code block}. */
    private record Kill(long block, long birth) {
    }

    /** Visits every dead version only {@code s} sees. */
    private void forEachOwned(DatasetRecord s, Consumer<Mapping> visitor) {
        forEachRecord(s, (r, owned) -> {
            for (int i = 0; i < r.size(); i++) {
                if (owned[i]) {
                    visitor.accept(mappingOf(s.parentId, r.block(i), r.birth(i)));
                }
            }
        });
    }

    /**
     * Visits every dead-list record holding a version only {@code s} sees (killed in (s, next] and
     * born after the previous snapshot), with which of its entries those are.
     */
    private void forEachRecord(DatasetRecord s, BiConsumer<DeadRecord, boolean[]> visitor) {
        long[] around = neighbours(s);
        deadList.forEach(s.parentId, s.gen + 1, around[1], r -> {
            boolean[] owned = new boolean[r.size()];
            boolean any = false;
            for (int i = 0; i < r.size(); i++) {
                owned[i] = r.birth(i) > around[0];
                any |= owned[i];
            }
            if (any) {
                visitor.accept(r, owned);
            }
        });
    }

    private Mapping mappingOf(long mapId, long block, long birth) {
        Mapping v = maps.get(mapId, block, birth);
        if (v == null) {
            throw new IllegalStateException("dead-list entry without its version: map " + mapId + " block "
                    + block + " birth " + birth);
        }
        return v;
    }

    /** How many consecutive blocks (at most {@link #STRETCH}) {@code owned}, sorted by block, names from index {@code at} on. */
    private static int stretch(List<Kill> owned, int at) {
        long block = owned.get(at).block();
        int i = at + 1;
        while (i < owned.size() && i - at < STRETCH && owned.get(i).block() == block + (i - at)) {
            i++;
        }
        return i - at;
    }

    /** Generations of the snapshots before and after {@code s} (0 and MAX_VALUE if none). */
    private long[] neighbours(DatasetRecord s) {
        long prev = 0;
        long next = Long.MAX_VALUE;
        List<DatasetRecord> snaps = catalog.snapshotsOf(s.parentId);
        for (DatasetRecord o : snaps) {
            if (o.gen < s.gen) {
                prev = Math.max(prev, o.gen);
            } else if (o.gen > s.gen) {
                next = Math.min(next, o.gen);
            }
        }
        return new long[] {prev, next};
    }

    /** Bytes of the head's live versions born in {@code (from, to]}. */
    private long liveBornIn(DatasetRecord h, long from, long to) {
        long sum = 0;
        MapStore.Rec last = null;
        try (MapStore.Records rs = maps.records(Keys.start(Keys.MAP, h.id), Keys.end(Keys.MAP, h.id))) {
            for (MapStore.Rec r = rs.next(); r != null; r = rs.next()) {
                boolean live = !r.sameRange(last); // only the newest version of a range is live
                last = r;
                if (live && r.birth() > from && r.birth() <= to) {
                    for (int i = 0; i < r.count(); i++) {
                        sum += r.value().mapping(i).length();
                    }
                }
            }
        }
        return sum;
    }
}
