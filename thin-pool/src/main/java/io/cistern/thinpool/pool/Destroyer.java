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
 * operation, and drops the record when nothing is left. A crash in between is finished at open
 * ({@link #finishIncomplete}), which also removes a copy a crash interrupted.
 *
 * <p>Thread-safety: metadata thread only.
 */
final class Destroyer {
    static final String HIDDEN_PREFIX = "%destroying-";
    private static final int SLICE = 1 << 16;

    private final Engine engine;
    private final Catalog catalog;
    private final Space space;
    private final Snapshots snapshots;

    Destroyer(Engine engine, Catalog catalog, Space space, Snapshots snapshots) {
        this.engine = engine;
        this.catalog = catalog;
        this.space = space;
        this.snapshots = snapshots;
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

    /** Deletes and frees up to a slice of head {@code id}'s map; true once the head is gone. */
    boolean drain(long id) {
        DatasetRecord h = catalog.get(id);
        Batch batch = engine.batch();
        List<byte[]> keys = new ArrayList<>();
        List<Mapping> mappings = new ArrayList<>();
        for (byte prefix : new byte[] {Keys.MAP, Keys.DEAD}) {
            try (KeyValueStore.Cursor c = batch.scan(engine.store, Keys.start(prefix, id), Keys.end(prefix, id))) {
                while (keys.size() < SLICE && c.next()) {
                    keys.add(c.key());
                    mappings.add(prefix == Keys.MAP ? Mapping.decode(c.value()) : null);
                }
            }
        }
        for (int i = 0; i < keys.size(); i++) { // collected first: the batch must not change under its cursor
            batch.delete(keys.get(i));
            Mapping m = mappings.get(i);
            if (m != null && !m.hole()) {
                engine.free(m);
            }
        }
        if (keys.isEmpty()) {
            catalog.remove(h, batch);
            return true;
        }
        return false;
    }

    /** At open: finishes destroys and removes copies that a crash interrupted. */
    void finishIncomplete() {
        for (DatasetRecord r : catalog.heads()) {
            if (r.incomplete) {
                List<Long> drain = new ArrayList<>();
                hide(r, drain);
                for (long id : drain) {
                    while (!drain(id)) {
                        engine.commit();
                    }
                }
            }
        }
    }
}
