package io.cistern.thinpool.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.alloc.ExtentAllocator;
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordsTest {
    @Test
    void poolRecordRoundTrips() {
        PoolRecord r = new PoolRecord(PoolRecord.VERSION, UUID.randomUUID(), 4096, 1 << 30, 4096, 7, 42, 123456789L);
        assertEquals(r, PoolRecord.decode(r.encode()));
    }

    @Test
    void datasetRecordRoundTrips() {
        DatasetRecord r = new DatasetRecord();
        r.id = 3;
        r.name = "vm@snap-1";
        r.kind = DatasetRecord.Kind.SNAPSHOT;
        r.uuid = UUID.randomUUID();
        r.parentId = 2;
        r.originId = 9;
        r.externalOrigin = "/images/base é.img";
        r.volsize = 1L << 40;
        r.volblocksize = 65536;
        r.refreservation = 5;
        r.readOnly = true;
        r.gen = 11;
        r.latestSnapGen = 10;
        r.creationMillis = 99;
        r.referenced = 1;
        r.written = 2;
        r.usedByDataset = 3;
        r.usedBySnapshots = 4;
        r.logicalReferenced = 6;
        r.userProperties.put("shareiscsi", "on");
        r.userProperties.put("org.example:note", "ünïcode");
        assertArrayEquals(r.encode(), DatasetRecord.decode(r.encode()).encode());
        assertEquals("/images/base é.img", r.copy().externalOrigin);
        assertEquals("ünïcode", r.copy().userProperties.get("org.example:note"));
    }

    @Test
    void olderDatasetRecordsReadWithoutTheFieldsAddedSince() {
        DatasetRecord r = new DatasetRecord();
        r.name = "vm";
        r.kind = DatasetRecord.Kind.VOLUME;
        r.uuid = UUID.randomUUID();
        r.usedByDataset = 8192;
        r.usedBySnapshots = 4096;
        r.compression = Compression.parse("zstd-7");
        r.dedup = Dedup.VERIFY;
        r.logicalUsed = 40960;
        DatasetRecord same = r.copy();
        assertEquals(Compression.parse("zstd-7"), same.compression);
        assertEquals(Dedup.VERIFY, same.dedup);
        assertEquals(40960, same.logicalUsed);
        byte[] v3 = r.encode();
        byte[] v2 = Arrays.copyOf(v3, v3.length - (4 + "zstd-7".length() + 1 + 8)); // version 2 ended after the properties
        v2[0] = 2;
        DatasetRecord two = DatasetRecord.decode(v2);
        assertEquals(Compression.OFF, two.compression); // written before compression existed
        assertEquals(Dedup.OFF, two.dedup);
        assertEquals(12288, two.logicalUsed);
        byte[] v1 = Arrays.copyOf(v2, v2.length - 4); // version 1 ended before the property count
        v1[0] = 1;
        DatasetRecord old = DatasetRecord.decode(v1);
        assertEquals("vm", old.name);
        assertTrue(old.userProperties.isEmpty());
        assertEquals(Compression.OFF, old.compression);
    }

    @Test
    void mappingRoundTripsInSixteenBytes() {
        Mapping m = new Mapping(1L << 40, 131072, 0xdeadbeef);
        assertEquals(Mapping.BYTES, m.encode().length);
        assertEquals(m, Mapping.decode(m.encode()));
        assertTrue(Mapping.decode(Mapping.HOLE.encode()).hole());
        assertThrows(IllegalArgumentException.class, () -> Mapping.decode(new byte[3]));
    }

    @Test
    void mapKeysSortNewestVersionFirstAndBlocksInOrder() {
        byte[][] keys = {Keys.map(1, 5, 3), Keys.map(1, 5, 9), Keys.map(1, 4, 1), Keys.map(1, 6, 1), Keys.map(0, 9, 9)};
        Arrays.sort(keys, Arrays::compareUnsigned);
        assertArrayEquals(Keys.map(0, 9, 9), keys[0]);
        assertArrayEquals(Keys.map(1, 4, 1), keys[1]);
        assertArrayEquals(Keys.map(1, 5, 9), keys[2]);
        assertArrayEquals(Keys.map(1, 5, 3), keys[3]);
        assertEquals(5, Keys.mapBlockOf(keys[2]));
        assertEquals(9, Keys.mapBirthOf(keys[2]));
        assertEquals(Keys.MAP_KEY_BYTES, keys[0].length);
        assertTrue(Arrays.compareUnsigned(Keys.mapBlock(1, 6), Keys.map(1, 5, 0)) > 0);
        byte[] dead = Keys.dead(2, 8, 100, 4);
        assertEquals(8, Keys.deadKillOf(dead));
        assertEquals(100, Keys.deadBlockOf(dead));
        assertEquals(4, Keys.deadBirthOf(dead));
    }

    @Test
    void deadRecordsListTheirEntriesAfterTheKeys() {
        long[] blocks = {3, 3, 200, 1L << 40, Long.MAX_VALUE};
        long[] births = {9, 12, 1, 0, Long.MAX_VALUE};
        DeadRecord r = DeadRecord.of(5, 7, blocks, births, 0, blocks.length);
        assertArrayEquals(Keys.dead(5, 7, 3, 9), r.key());
        DeadRecord back = DeadRecord.decode(r.key(), r.value());
        assertEquals(5, back.mapId());
        assertEquals(7, back.killGen());
        assertEquals(blocks.length, back.size());
        for (int i = 0; i < blocks.length; i++) {
            assertEquals(blocks[i], back.block(i));
            assertEquals(births[i], back.birth(i));
        }
        // a key of its own with an empty value: one entry, as pools before records held them
        DeadRecord single = DeadRecord.decode(Keys.dead(5, 7, 100, 4), new byte[0]);
        assertEquals(1, single.size());
        assertEquals(100, single.block(0));
        assertEquals(4, single.birth(0));
        assertEquals(0, DeadRecord.of(5, 7, blocks, births, 2, 1).value().length);
        // entries close together cost a few bytes each
        long[] near = new long[1000];
        long[] gens = new long[1000];
        for (int i = 0; i < near.length; i++) {
            near[i] = 1000 + 300L * i;
            gens[i] = 40;
        }
        assertTrue(DeadRecord.of(1, 2, near, gens, 0, near.length).value().length <= 3 * 999);
    }

    @Test
    void malformedDeadRecordsAreRefused() {
        byte[] key = Keys.dead(1, 2, 10, 3);
        assertThrows(IllegalArgumentException.class, () -> DeadRecord.decode(key, new byte[] {5})); // half an entry
        assertThrows(IllegalArgumentException.class, () -> DeadRecord.decode(key, new byte[] {5, (byte) 0x80})); // cut varint
        assertThrows(IllegalArgumentException.class, () -> DeadRecord.decode(key, new byte[] {0, 3})); // same block and birth
        assertThrows(IllegalArgumentException.class, () -> DeadRecord.decode(key, new byte[] {0, 2})); // descends
        byte[] huge = new byte[12];
        Arrays.fill(huge, (byte) 0xff);
        huge[10] = 1;
        huge[11] = 1; // an 11-byte varint, then a birth
        assertThrows(IllegalArgumentException.class, () -> DeadRecord.decode(key, huge));
        byte[] overflow = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, 0x7f, 1}; // a delta past Long.MAX_VALUE
        assertThrows(IllegalArgumentException.class, () -> DeadRecord.decode(key, overflow));
        long[] down = {5, 4};
        long[] births = {1, 1};
        assertThrows(IllegalArgumentException.class, () -> DeadRecord.of(1, 2, down, births, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> DeadRecord.of(1, 2, new long[1025], new long[1025], 0, 1025));
    }

    @Test
    void refCountsCostNothingUntilShared() {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        RefCounts refs = new RefCounts(store);
        Batch b = new Batch();
        assertTrue(refs.release(b, 4096));   // a lone owner: the extent is free
        refs.share(b, 8192);
        refs.share(b, 8192);
        assertEquals(2, refs.extra(b, 8192));
        store.write(b, true);
        Batch c = new Batch();
        assertTrue(!refs.release(c, 8192));
        assertTrue(refs.shared(c, 8192));
        assertTrue(!refs.release(c, 8192));
        assertTrue(!refs.shared(c, 8192));
        assertTrue(refs.release(c, 8192));   // the last owner
        store.write(c, true);
        assertEquals(0, store.bytesUnder(Keys.REFS));
    }

    @Test
    void freelistRecordsAllocationsAndRebuildsTheAllocator() {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        Freelist f = new Freelist(store, 4096);
        Batch b = new Batch();
        f.allocate(b, 4096, 3 * 4096);
        f.allocate(b, 4096L * 600, 4096);  // in the second bitmap key
        f.release(b, 2 * 4096, 4096);
        assertThrows(IllegalStateException.class, () -> f.release(b, 2 * 4096, 4096));
        assertThrows(IllegalStateException.class, () -> f.allocate(b, 4096, 4096));
        assertThrows(IllegalStateException.class, () -> f.allocate(b, 0, 3 * 4096)); // unit 0 free, 1 not
        assertTrue(b.isEmpty()); // bits wait in the freelist until the batch is about to commit
        f.flush(b);
        Batch next = new Batch(b); // reads through b, as the open batch does while b commits
        f.allocate(next, 0, 4096); // unit 0 untouched by the refused allocation above
        assertThrows(IllegalStateException.class, () -> f.allocate(next, 4096L * 600, 4096));
        f.release(next, 0, 4096);
        f.flush(next);
        store.write(b, true);
        store.write(next, true);
        assertTrue(f.isAllocated(4096, 4096));
        assertTrue(!f.isAllocated(2 * 4096, 4096));
        ExtentAllocator a = new ExtentAllocator(4096);
        assertEquals(3 * 4096, f.load(a, 4096, 4096L * 1024));
        assertEquals(4096L * 1023 - 3 * 4096, a.freeBytes());
        Batch clear = new Batch();
        f.release(clear, 4096, 4096);
        f.release(clear, 3 * 4096, 4096);
        f.release(clear, 4096L * 600, 4096);
        f.flush(clear);
        store.write(clear, true);
        assertEquals(0, store.bytesUnder(Keys.FREE)); // all-free bitmap keys are deleted
    }
}
