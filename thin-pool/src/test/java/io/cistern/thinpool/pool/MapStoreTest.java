package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.MapRecord;
import io.cistern.thinpool.meta.Mapping;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Run records of the block map: a sequential write is one record per run, and every change that
 * touches part of a run (overwrite, unmap, snapshot-kept versions, rollback, destroy) cuts records
 * so that they stay disjoint or identical, reads stay right and the check finds nothing.
 */
class MapStoreTest {
    private static final int B = 4096;

    private static Pool pool(MemoryKeyValueStore store, long cacheBytes) throws Exception {
        return Pool.create("p", new MemoryDevice(64 * MiB), store,
                PoolConfig.defaults().withMapCacheBytes(cacheBytes).withCommitIntervalMillis(1));
    }

    /** The map records in the store as (first, last, birth, count), in key order. */
    private static List<MapStore.Rec> records(Pool pool, MemoryKeyValueStore store) {
        pool.flush().join();
        List<MapStore.Rec> out = new ArrayList<>();
        try (KeyValueStore.Cursor c = store.scan(new byte[] {Keys.MAP}, Keys.end(Keys.MAP))) {
            while (c.next()) {
                out.add(MapStore.decode(c.key(), c.value()));
            }
        }
        return out;
    }

    private static String ranges(List<MapStore.Rec> recs) {
        StringBuilder s = new StringBuilder();
        for (MapStore.Rec r : recs) {
            s.append(s.length() == 0 ? "" : " ").append(r.first()).append("..").append(r.last());
        }
        return s.toString();
    }

    private static void assertClean(Pool pool) {
        CheckReport report = pool.check();
        assertTrue(report.problems().isEmpty(), report.problems().toString());
    }

    @Test
    void aSequentialWriteIsOneRecordPerRunOfAtMost256Blocks() throws Exception {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        try (Pool pool = pool(store, 64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(16 * MiB));
            ByteBuffer data = random(1, (int) (2 * MiB + 3 * B));
            v.write(0, data, false).join();
            assertEquals("0..255 256..511 512..514", ranges(records(pool, store)));
            assertTrue(records(pool, store).get(0).value().isRun());
            assertArrayEquals(bytes(data), bytes(v.read(0, data.remaining()).join()));
            assertArrayEquals(bytes(data.slice(250 * B, 20 * B)), bytes(v.read(250L * B, 20 * B).join())); // across a boundary
            long perBlock = (store.bytesUnder(Keys.MAP)) / 515;
            assertTrue(perBlock <= 8, perBlock + " map bytes per block");
            assertClean(pool);

            v.write(0, random(2, (int) MiB), false).join(); // the whole run again: one record again
            assertEquals("0..255 256..511 512..514", ranges(records(pool, store)));
            assertClean(pool);
        }
    }

    @Test
    void overwritesAndUnmapsCutRunsAtTheirEndsAndMiddles() throws Exception {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        try (Pool pool = pool(store, 64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(4 * MiB));
            byte[] model = bytes(random(1, (int) MiB));
            v.write(0, ByteBuffer.wrap(model.clone()), false).join();
            write(v, model, 100, random(2, B)); // middle
            assertEquals("0..99 100..100 101..255", ranges(records(pool, store)));
            write(v, model, 0, random(3, B)); // first block
            write(v, model, 255, random(4, B)); // last block
            assertEquals("0..0 1..99 100..100 101..254 255..255", ranges(records(pool, store)));
            v.unmap(50L * B, 4 * B).join();
            java.util.Arrays.fill(model, 50 * B, 54 * B, (byte) 0);
            assertEquals("0..0 1..49 54..99 100..100 101..254 255..255", ranges(records(pool, store)));
            assertArrayEquals(model, bytes(v.read(0, model.length).join()));
            assertClean(pool);
            v.unmap(0, MiB).join();
            assertEquals("", ranges(records(pool, store)));
            assertClean(pool);
        }
    }

    @Test
    void versionsKeptForASnapshotAreCutWithTheLiveOnes() throws Exception {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        try (Pool pool = pool(store, 64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(4 * MiB));
            byte[] before = bytes(random(1, (int) MiB));
            v.write(0, ByteBuffer.wrap(before.clone()), false).join();
            pool.snapshot("v", "s");
            byte[] model = before.clone();
            write(v, model, 50, random(2, 8 * B));
            // the snapshot's run is cut where the new run lies: both versions share 50..57
            assertEquals("0..49 50..57 50..57 58..255", ranges(records(pool, store)));
            write(v, model, 52, random(3, B)); // inside the shared range: both births cut again
            assertEquals("0..49 50..51 50..51 52..52 52..52 53..57 53..57 58..255", ranges(records(pool, store)));
            assertArrayEquals(model, bytes(v.read(0, model.length).join()));
            assertArrayEquals(before, bytes(pool.volume("v@s").read(0, before.length).join()));
            assertClean(pool);

            pool.rollback("v@s");
            assertArrayEquals(before, bytes(v.read(0, before.length).join()));
            assertClean(pool);
            write(v, model = before.clone(), 10, random(4, 4 * B));
            pool.destroy("v@s", false); // its versions go, cut pieces and all
            assertArrayEquals(model, bytes(v.read(0, model.length).join()));
            assertEquals("0..9 10..13 14..49 50..51 52..52 53..57 58..255", ranges(records(pool, store)));
            assertClean(pool);
        }
    }

    /**
     * With every block cached, changes to runs find the records they cut in the map cache, never by
     * a seek in the store (a 1 MiB overwrite paid one per write): aligned, across two runs, inside
     * one, and after a snapshot. Tests run with assertions on, so each answer is also checked
     * against the store's.
     */
    @Test
    void changesToCachedRunsFindTheirRecordsWithoutTheStore() throws Exception {
        try (Pool pool = pool(new MemoryKeyValueStore(), 64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(4 * MiB));
            byte[] model = bytes(random(1, (int) (3 * MiB)));
            v.write(0, ByteBuffer.wrap(model.clone()), false).join();
            long before = pool.mapChangesFromStore();
            write(v, model, 0, random(2, (int) MiB)); // the whole first run
            write(v, model, 128, random(3, (int) MiB)); // the second half of one run, the first half of the next
            write(v, model, 600, random(4, B)); // inside a run
            pool.snapshot("v", "s");
            byte[] snap = model.clone();
            write(v, model, 384, random(5, (int) MiB)); // versions the snapshot keeps, cut with the live ones
            write(v, model, 700, random(6, 2 * B));
            assertEquals(before, pool.mapChangesFromStore(), "changes the store had to answer");
            assertArrayEquals(model, bytes(v.read(0, model.length).join()));
            assertArrayEquals(snap, bytes(pool.volume("v@s").read(0, snap.length).join()));
            assertClean(pool);
        }
    }

    @Test
    void aPoolOfSingleBlockRecordsAsEarlierVersionsWroteItOpensAndReads() throws Exception {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        MemoryDevice device = new MemoryDevice(64 * MiB);
        byte[] model = bytes(random(1, (int) (2 * MiB)));
        try (Pool pool = Pool.create("p", device, store, PoolConfig.defaults())) {
            pool.createVolume("v", VolumeSpec.sparse(4 * MiB)).write(0, ByteBuffer.wrap(model.clone()), false).join();
            pool.snapshot("v", "s");
            pool.flush().join();
        }
        MemoryKeyValueStore older = store.copy();
        Batch old = new Batch(); // every run record as the single-block records earlier versions wrote
        int runs = 0;
        try (KeyValueStore.Cursor c = older.scan(new byte[] {Keys.MAP}, Keys.end(Keys.MAP))) {
            while (c.next()) {
                MapStore.Rec r = MapStore.decode(c.key(), c.value());
                runs += r.value().isRun() ? 1 : 0;
                old.delete(c.key());
                for (long b = r.first(); b <= r.last(); b++) {
                    old.put(Keys.map(r.mapId(), b, r.birth()), MapRecord.of(r.mapping(b)).encode());
                }
            }
        }
        assertEquals(2, runs);
        older.write(old, true);
        try (Pool pool = Pool.open("p", device, older, PoolConfig.defaults())) {
            Volume v = pool.volume("v");
            assertArrayEquals(model, bytes(v.read(0, model.length).join()));
            assertClean(pool);
            byte[] before = model.clone();
            write(v, model, 100, random(2, (int) MiB)); // over single records kept for the snapshot
            assertArrayEquals(model, bytes(v.read(0, model.length).join()));
            assertArrayEquals(before, bytes(pool.volume("v@s").read(0, before.length).join()));
            assertClean(pool);
        }
    }

    @Test
    void theCheckReportsExtentsThatShareDeviceSpace() throws Exception {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        MemoryDevice device = new MemoryDevice(64 * MiB);
        try (Pool pool = Pool.create("p", device, store, PoolConfig.defaults())) {
            pool.createVolume("v", VolumeSpec.sparse(4 * MiB)).write(0, random(3, 2 * B), false).join();
            List<MapStore.Rec> recs = records(pool, store);
            assertEquals("0..1", ranges(recs));
            MapStore.Rec run = recs.get(0);
            Mapping first = run.mapping(0);
            Batch damage = new Batch(); // block 0 claims its neighbour's space too
            damage.delete(Keys.map(run.mapId(), 1, run.birth()));
            damage.put(Keys.map(run.mapId(), 0, run.birth()),
                    MapRecord.of(new Mapping(first.offset(), 2 * B, first.crc())).encode());
            damage.put(Keys.map(run.mapId(), 1, run.birth()), MapRecord.of(run.mapping(1)).encode());
            store.write(damage, true);
        }
        try (Pool pool = Pool.open("p", device, store.copy(), PoolConfig.defaults())) {
            List<String> problems = pool.check().problems();
            assertTrue(problems.stream().anyMatch(p -> p.contains("overlaps the extent before it")), problems.toString());
        }
    }

    /** Writes {@code data} at block {@code block} and into the model. */
    private static void write(Volume v, byte[] model, long block, ByteBuffer data) {
        System.arraycopy(bytes(data), 0, model, (int) (block * B), data.remaining());
        v.write(block * B, data, false).join();
    }

    /**
     * Random writes of random lengths (raw and compressible), unmaps, snapshots, clones, rollbacks
     * and destroys against an in-memory model of every dataset's bytes, on a pool whose map cache
     * holds everything and one with a cache of a few entries; after every step each dataset reads as
     * the model says and the check finds nothing (records disjoint or identical, runs well formed,
     * no extent leaked, lost or doubly owned, counters right).
     */
    @Test
    void randomHistoriesReadAsTheModelSaysAndCheckClean() throws Exception {
        long seed = 20261122;
        Random rnd = new Random(seed);
        int blocks = 1024;
        List<Pool> pools = List.of(pool(new MemoryKeyValueStore(), 64 * MiB), pool(new MemoryKeyValueStore(), 8 * MapCache.ENTRY_BYTES));
        Map<String, byte[]> model = new HashMap<>();
        List<String> heads = new ArrayList<>(List.of("v"));
        List<String> snaps = new ArrayList<>();
        pools.forEach(p -> p.createVolume("v", VolumeSpec.sparse((long) blocks * B)));
        model.put("v", new byte[blocks * B]);
        try {
            for (int s = 0; s < 120; s++) {
                int step = s;
                int op = rnd.nextInt(20);
                String head = heads.get(rnd.nextInt(heads.size()));
                int at = rnd.nextInt(blocks);
                int n = 1 + rnd.nextInt(Math.min(blocks - at, rnd.nextBoolean() ? 8 : 600));
                String tag = "s" + step;
                if (op < 11) {
                    byte[] data = bytes(random(rnd.nextLong(), n * B));
                    for (int i = 0; i < n; i++) {
                        if (rnd.nextInt(8) == 0) { // compressible: a packed fragment amid the run
                            java.util.Arrays.fill(data, i * B + 64, (i + 1) * B, (byte) 7);
                        }
                    }
                    System.arraycopy(data, 0, model.get(head), at * B, n * B);
                    pools.forEach(p -> p.volume(head).write((long) at * B, ByteBuffer.wrap(data.clone()), false).join());
                } else if (op < 13) {
                    java.util.Arrays.fill(model.get(head), at * B, (at + n) * B, (byte) 0);
                    pools.forEach(p -> p.volume(head).unmap((long) at * B, (long) n * B).join());
                } else if (op < 16) {
                    pools.forEach(p -> p.snapshot(head, tag));
                    snaps.add(head + "@" + tag);
                    model.put(head + "@" + tag, model.get(head).clone());
                } else if (op < 17 && !snaps.isEmpty()) {
                    String snap = snaps.get(rnd.nextInt(snaps.size()));
                    pools.forEach(p -> p.clone(snap, "c" + step, true));
                    heads.add("c" + step);
                    model.put("c" + step, model.get(snap).clone());
                } else if (op < 18 && !snaps.isEmpty()) {
                    String latest = latestOf(snaps, head);
                    if (latest != null) {
                        pools.forEach(p -> p.rollback(latest));
                        model.put(head, model.get(latest).clone());
                    }
                } else if (!snaps.isEmpty()) {
                    String snap = snaps.get(rnd.nextInt(snaps.size()));
                    if (!heads.stream().anyMatch(h -> pools.get(0).volume(h).properties().origin().equals(snap))) {
                        pools.forEach(p -> p.destroy(snap, false));
                        snaps.remove(snap);
                        model.remove(snap);
                    }
                }
                for (Pool p : pools) {
                    for (Map.Entry<String, byte[]> e : model.entrySet()) {
                        assertArrayEquals(e.getValue(), bytes(p.volume(e.getKey()).read(0, blocks * B).join()),
                                e.getKey() + " after step " + step + " (seed " + seed + ")");
                    }
                    CheckReport report = p.check();
                    assertTrue(report.problems().isEmpty(), "after step " + step + ": " + report.problems());
                }
            }
        } finally {
            for (Pool p : pools) {
                p.close();
            }
        }
    }

    private static String latestOf(List<String> snaps, String head) {
        String latest = null;
        for (String s : snaps) {
            if (s.startsWith(head + "@")) {
                latest = s;
            }
        }
        return latest;
    }
}
