package io.cistern.thinpool.pool;

import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.DeadRecord;
import io.cistern.thinpool.meta.Keys;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.longs.LongArrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The dead lists (see {@link Snapshots}), the one place that writes and reads them. Kills are
 * gathered per map and kill generation while a batch is open and go into it as
 * {@link DeadRecord}s when it is committed, or sooner when the dead list is read: a commit of a few
 * hundred overwrites after a snapshot adds one record, not one key per block.
 *
 * <p>Thread-safety: metadata thread only.
 */
final class DeadList {
    /** Kills not yet in the open batch, block and birth interleaved, per map and kill generation. */
    private final Map<Group, LongArrayList> pending = new HashMap<>();
    private final Engine engine;
    private long marks;

    private record Group(long mapId, long killGen) {
    }

    DeadList(Engine engine) {
        this.engine = engine;
    }

    /** Version {@code birth} of {@code block} of map {@code mapId}, killed at {@code killGen}, stays for the snapshots. */
    void kill(long mapId, long killGen, long block, long birth) {
        LongArrayList kills = pending.computeIfAbsent(new Group(mapId, killGen), g -> new LongArrayList());
        kills.add(block);
        kills.add(birth);
        marks++;
    }

    /** Kills recorded so far: tells whether an operation changed anything. */
    long marks() {
        return marks;
    }

    /** Puts the pending kills in {@code batch}, the open batch, as records of up to {@link DeadRecord#MAX_ENTRIES}. */
    void flush(Batch batch) {
        pending.forEach((g, kills) -> {
            int n = kills.size() / 2;
            long[] blocks = new long[n];
            long[] births = new long[n];
            for (int i = 0; i < n; i++) {
                blocks[i] = kills.getLong(2 * i);
                births[i] = kills.getLong(2 * i + 1);
            }
            LongArrays.quickSort(blocks, births); // by block, then birth
            for (int from = 0; from < n; from += DeadRecord.MAX_ENTRIES) {
                put(batch, DeadRecord.of(g.mapId(), g.killGen(), blocks, births, from, Math.min(DeadRecord.MAX_ENTRIES, n - from)));
            }
        });
        pending.clear();
    }

    private static void put(Batch batch, DeadRecord r) {
        batch.put(r.key(), r.value());
    }

    /**
     * Visits the records of map {@code mapId} killed at generations {@code fromGen..toGen} (MAX_VALUE: all after),
     * read through the open batch (pending kills go into it first). The visitor must not change the
     * batch: collect, then change.
     */
    void forEach(long mapId, long fromGen, long toGen, Consumer<DeadRecord> visitor) {
        Batch batch = engine.batch();
        flush(batch);
        byte[] to = toGen == Long.MAX_VALUE ? Keys.end(Keys.DEAD, mapId) : Keys.deadFrom(mapId, toGen + 1);
        try (KeyValueStore.Cursor c = batch.scan(engine.store, Keys.deadFrom(mapId, fromGen), to)) {
            while (c.next()) {
                visitor.accept(DeadRecord.decode(c.key(), c.value()));
            }
        }
    }

    /** {@link #forEach}, collected. */
    List<DeadRecord> records(long mapId, long fromGen, long toGen) {
        List<DeadRecord> out = new ArrayList<>();
        forEach(mapId, fromGen, toGen, out::add);
        return out;
    }

    /** Deletes record {@code r} from the open batch, keeping its entries {@code keep} marks (true at index i: entry i stays). */
    void retain(DeadRecord r, boolean[] keep) {
        Batch batch = engine.batch();
        batch.delete(r.key());
        int n = 0;
        long[] blocks = new long[r.size()];
        long[] births = new long[r.size()];
        for (int i = 0; i < r.size(); i++) {
            if (keep[i]) {
                blocks[n] = r.block(i);
                births[n++] = r.birth(i);
            }
        }
        if (n > 0) {
            put(batch, DeadRecord.of(r.mapId(), r.killGen(), blocks, births, 0, n));
        }
    }
}
