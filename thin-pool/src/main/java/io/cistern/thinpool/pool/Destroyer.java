package io.cistern.thinpool.pool;

import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.Mapping;
import java.util.ArrayList;
import java.util.List;

/**
 * Destroys volumes in two steps, so a huge volume neither holds up I/O nor builds one huge batch.
 * {@link #begin} takes a volume (with its snapshots, and clones of them when recursive) out of
 * sight in one operation: records marked incomplete and renamed out of the user's name space, I/O
 * refused, reservation released. {@link #drain} then deletes and frees a slice of its maps per
 * operation, and drops the record when nothing is left; {@link AsyncDestroy} runs the slices in the
 * background. A restart resumes the freeing ({@link #finishIncomplete}), which also removes a copy a
 * crash interrupted.
 *
 * <p>Thread-safety: metadata thread only.
 */
final class Destroyer {
    static final String HIDDEN_PREFIX = "%destroying-";
    /** Versions freed per operation: about a millisecond of work, so other I/O waits no longer. */
    static final int SLICE = 256;

    private final Engine engine;
    private final Catalog catalog;
    private final Space space;
    private final Snapshots snapshots;
    private final MapStore maps;

    Destroyer(Engine engine, Catalog catalog, Space space, Snapshots snapshots) {
        this.engine = engine;
        this.catalog = catalog;
        this.space = space;
        this.snapshots = snapshots;
        this.maps = engine.records;
    }

    /**
     * Destroys snapshot {@code r} at once, or hides head {@code r}; returns the ids of the heads
     * whose maps remain to {@link #drain}. Refused (before any change) while dependants exist,
     * unless {@code recursive}.
     */
    List<Long> begin(DatasetRecord r, boolean recursive) {
        if (!recursive) {
            List<String> dependants = new ArrayList<>();
            if (r.snapshot()) {
                catalog.clonesOf(r.id).forEach(c -> dependants.add(c.name));
            } else {
                catalog.snapshotsOf(r.id).forEach(s -> dependants.add(s.name));
            }
            if (!dependants.isEmpty()) {
                throw new PoolException(PoolException.Kind.BUSY, "'" + r.name + "' has dependants " + dependants
                        + "; destroy them first or destroy recursively");
            }
        }
        List<Long> drain = new ArrayList<>();
        hide(r, drain);
        space.checkThreshold();
        return drain;
    }

    private void hide(DatasetRecord r, List<Long> drain) {
        if (r.snapshot()) {
            for (DatasetRecord c : catalog.clonesOf(r.id)) {
                hide(c, drain);
            }
            snapshots.destroy(r);
            return;
        }
        Batch batch = engine.batch();
        for (DatasetRecord s : catalog.snapshotsOf(r.id)) {
            for (DatasetRecord c : catalog.clonesOf(s.id)) {
                hide(c, drain);
            }
            catalog.remove(s, batch); // its versions are in r's map, drained with it
        }
        r.incomplete = true;
        r.refreservation = 0;
        r.originId = 0; // nothing reads through any more
        r.externalOrigin = "";
        if (!r.name.startsWith(HIDDEN_PREFIX)) {
            catalog.rename(r, HIDDEN_PREFIX + r.id, batch);
        }
        catalog.touch(r);
        drain.add(r.id);
    }

    /** How far the freeing of a destroyed head has got: its dead list is deleted first, then its map. */
    static final class Drain {
        final long id;
        private byte prefix = Keys.DEAD;
        private byte[] from;

        Drain(long id) {
            this.id = id;
            this.from = Keys.start(Keys.DEAD, id);
        }
    }

    /**
     * Deletes and frees about a slice of head {@code d}'s dead list and map, and drops the record when
     * nothing is left; true once the head is gone. A slice ends where a range of records ends, so the
     * first remaining version of a block is always its live one and the head's counters, lowered here as
     * its versions go, agree with what is left (what {@link Inspector#check} verifies, and what
     * {@link #remaining} reports) at every commit.
     */
    boolean drain(Drain d) {
        DatasetRecord h = catalog.get(d.id);
        Batch batch = engine.batch();
        engine.deadList.flush(batch); // kills of the open batch, deleted here with the rest
        List<byte[]> dead = new ArrayList<>();
        List<MapStore.Rec> records = new ArrayList<>();
        boolean more = d.prefix == Keys.DEAD && collectDead(d, batch, dead);
        if (!more) {
            if (d.prefix == Keys.DEAD) {
                d.prefix = Keys.MAP;
                d.from = Keys.start(Keys.MAP, d.id);
            }
            more = collectMap(d, records, dead.size());
        }
        dead.forEach(batch::delete); // collected first: the batch must not change under its cursor
        MapStore.Rec last = null;
        for (MapStore.Rec r : records) {
            maps.delete(batch, r);
            boolean live = !r.sameRange(last); // the newest of a range is the live version
            last = r;
            for (int i = 0; i < r.count(); i++) {
                Mapping m = r.value().mapping(i);
                if (!m.hole()) {
                    engine.free(m);
                    uncount(h, r.birth(), m, live);
                }
            }
        }
        catalog.touch(h);
        if (!more) {
            catalog.remove(h, batch);
        }
        space.checkThreshold();
        return !more;
    }

    /** Collects up to a slice of {@code d}'s dead-list keys; true if it stopped there (more follow). */
    private boolean collectDead(Drain d, Batch batch, List<byte[]> keys) {
        try (KeyValueStore.Cursor c = batch.scan(engine.store, d.from, Keys.end(Keys.DEAD, d.id))) {
            while (c.next()) {
                if (keys.size() >= SLICE) {
                    d.from = c.key();
                    return true;
                }
                keys.add(c.key());
            }
        }
        return false;
    }

    /**
     * Collects {@code d}'s map records from where it got to until about a slice of versions (counting
     * {@code versions} already taken), ending where a range ends; true if more follow.
     */
    private boolean collectMap(Drain d, List<MapStore.Rec> records, int versions) {
        MapStore.Rec last = null;
        try (MapStore.Records rs = maps.records(d.from, Keys.end(Keys.MAP, d.id))) {
            for (MapStore.Rec r = rs.next(); r != null; r = rs.next()) {
                if (versions >= SLICE && !r.sameRange(last)) {
                    d.from = rs.key();
                    return true;
                }
                last = r;
                records.add(r);
                versions += r.count();
            }
        }
        return false;
    }

    /** Takes a dropped version out of the head's counters, as {@link Inspector#check} counts them. */
    private static void uncount(DatasetRecord h, long birth, Mapping m, boolean live) {
        if (live) {
            h.usedByDataset -= m.length();
            if (birth > h.latestSnapGen) {
                h.written -= m.length();
            }
        } else {
            h.usedBySnapshots -= m.length();
        }
        h.logicalUsed -= h.volblocksize;
    }

    /** Bytes a head being destroyed still holds (0 once it is gone). */
    long remaining(long id) {
        if (!catalog.has(id)) {
            return 0;
        }
        DatasetRecord h = catalog.get(id);
        return h.usedByDataset + h.usedBySnapshots;
    }

    /**
     * At open: hides again the heads a crash left being destroyed, and the copies it interrupted;
     * returns their ids, for their freeing to resume in the background.
     */
    List<Long> finishIncomplete() {
        List<Long> drain = new ArrayList<>();
        for (DatasetRecord r : catalog.heads()) {
            if (r.incomplete) {
                hide(r, drain);
            }
        }
        return drain;
    }
}
