package io.cistern.thinpool.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.compress.BlockCompressor;
import io.cistern.thinpool.compress.Codec;
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import io.cistern.thinpool.meta.Mapping;
import io.cistern.thinpool.meta.PackedMapping;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DedupTableTest {
    static ByteBuffer block(long seed) {
        byte[] b = new byte[4096];
        new Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    @Test
    void sha256OfTheLogicalBytes() throws Exception {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(java.util.HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                BlockHasher.hash(ByteBuffer.wrap(abc)));
        ByteBuffer direct = ByteBuffer.allocateDirect(4096).put(block(1)).flip();
        assertArrayEquals(BlockHasher.hash(block(1)), BlockHasher.hash(direct));
        assertEquals(0, direct.position());
    }

    @Test
    void entriesPersistWithTheirCountAndSurviveAReopen() throws Exception {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        DedupTable t = new DedupTable(store, 1 << 20);
        Batch b = new Batch();
        byte[] h1 = BlockHasher.hash(block(1));
        byte[] v1 = new Mapping(8192, 4096, 11).encode();
        byte[] h2 = BlockHasher.hash(block(2));
        byte[] v2 = new PackedMapping(65536, 1500, 22, 3000, 2, Codec.LZ4).encode();
        assertNull(t.lookup(b, h1));
        assertTrue(t.insert(b, h1, v1));
        assertTrue(t.insert(b, h2, v2));
        assertFalse(t.insert(b, h1, v2), "the first entry for a hash stays");
        assertArrayEquals(v1, t.lookup(b, h1), "seen in the batch before it commits");
        t.flush(b);
        store.write(b, true);

        DedupTable reopened = new DedupTable(store, 1 << 20);
        assertEquals(2, reopened.stats().entries());
        Batch b2 = new Batch();
        assertArrayEquals(v1, reopened.lookup(b2, h1));
        assertArrayEquals(v2, reopened.lookup(b2, h2));
        assertEquals(2, reopened.stats().misses(), "a cold cache reads the store");
    }

    @Test
    void freeingAnExtentDropsExactlyTheEntriesInsideIt() {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        DedupTable t = new DedupTable(store, 1 << 20);
        Batch b = new Batch();
        byte[][] hashes = new byte[5][];
        for (int i = 0; i < 5; i++) {
            hashes[i] = BlockHasher.hash(block(i));
        }
        // Two fragments of the packed extent at 64K, one of the extent at 128K, two raw blocks.
        t.insert(b, hashes[0], new PackedMapping(65536, 1000, 0, 0, 1, Codec.LZ4).encode());
        t.insert(b, hashes[1], new PackedMapping(65536, 1000, 0, 1000, 1, Codec.ZSTD).encode());
        t.insert(b, hashes[2], new PackedMapping(131072, 1000, 0, 0, 1, Codec.LZ4).encode());
        t.insert(b, hashes[3], new Mapping(65536 + 4096, 4096, 0).encode());
        t.insert(b, hashes[4], new Mapping(4096, 4096, 0).encode());
        t.flush(b);
        store.write(b, true);
        Batch b2 = new Batch();
        assertEquals(2, t.extentFreed(b2, 65536));
        assertEquals(0, t.extentFreed(b2, 65536), "once");
        assertEquals(3, t.stats().entries());
        assertNull(t.lookup(b2, hashes[0]));
        assertNull(t.lookup(b2, hashes[1]));
        for (int i = 2; i < 5; i++) {
            assertTrue(t.lookup(b2, hashes[i]) != null, "entry " + i);
        }
        t.flush(b2);
        store.write(b2, true);
        DedupTable reopened = new DedupTable(store, 1 << 20);
        assertEquals(3, reopened.stats().entries());
        assertNull(reopened.lookup(new Batch(), hashes[1]));
        assertEquals(1, reopened.extentFreed(new Batch(), 4096));
    }

    @Test
    void verifyComparesTheStoredBytesRawOrCompressed() throws Exception {
        MemoryDevice device = new MemoryDevice(1 << 20);
        DeviceVerifier verifier = new DeviceVerifier(device);
        DedupTable t = new DedupTable(new MemoryKeyValueStore(), 1 << 20);
        Batch b = new Batch();
        ByteBuffer a = block(1);
        device.write(8192, a.duplicate());
        byte[] ha = BlockHasher.hash(a);
        t.insert(b, ha, new Mapping(8192, 4096, 0).encode());
        assertTrue(verifier.sameBytes(t.lookup(b, ha), block(1)));

        ByteBuffer text = ByteBuffer.wrap("mapping extent snapshot ".repeat(200).substring(0, 4096).getBytes(StandardCharsets.US_ASCII));
        ByteBuffer out = ByteBuffer.allocate(BlockCompressor.outputBytes(4096));
        BlockCompressor.Fragment f = BlockCompressor.compress(Compression.ZSTD, text, out);
        device.write(65536 + 100, out.duplicate().limit(f.length()));
        byte[] ht = BlockHasher.hash(text);
        t.insert(b, ht, new PackedMapping(65536, f.length(), 0, 100, 1, f.codec()).encode());
        assertTrue(verifier.sameBytes(t.lookup(b, ht), text.duplicate()));

        // A collision, simulated: an entry whose stored bytes are not the block's.
        byte[] fake = BlockHasher.hash(block(99));
        t.insert(b, fake, new Mapping(8192, 4096, 0).encode());
        assertFalse(verifier.sameBytes(t.lookup(b, fake), block(99)), "verify refuses different bytes");
    }

    @Test
    void aMissReadsTheStoreOnlyOnceTheCacheNoLongerHoldsTheWholeTable() {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        DedupTable t = new DedupTable(store, 1 << 20); // room for about 19k entries
        Batch b = new Batch();
        for (int i = 0; i < 100; i++) {
            assertTrue(t.insert(b, BlockHasher.hash(block(i)), new Mapping(4096L * (i + 1), 4096, i).encode()));
        }
        t.flush(b);
        store.write(b, true);
        long gets = store.cacheStats().hits();
        for (int i = 100; i < 200; i++) {
            assertNull(t.lookup(b, BlockHasher.hash(block(i))));
        }
        assertEquals(gets, store.cacheStats().hits(), "a table made empty is all in its cache");

        DedupTable reopened = new DedupTable(store, 1 << 20); // holds entries its cache has not seen
        assertArrayEquals(new Mapping(4096L * 8, 4096, 7).encode(), reopened.lookup(new Batch(), BlockHasher.hash(block(7))));
        assertNull(reopened.lookup(new Batch(), BlockHasher.hash(block(300))));
        assertTrue(store.cacheStats().hits() > gets);

        DedupTable small = new DedupTable(new MemoryKeyValueStore(), 4096); // 9 sets of 8: evicts soon
        Batch s = new Batch();
        for (int i = 0; i < 500; i++) {
            assertTrue(small.insert(s, BlockHasher.hash(block(i)), new Mapping(4096L * (i + 1), 4096, i).encode()));
        }
        for (int i = 0; i < 500; i++) { // evicted entries are found in the batch, so none is entered twice
            assertFalse(small.insert(s, BlockHasher.hash(block(i)), new Mapping(1L << 40, 4096, i).encode()), "entry " + i);
        }
        assertEquals(500, small.stats().entries());
    }

    @Test
    void theCacheStaysWithinItsCapWhateverTheTableSize() {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        long cap = 64 * 1024 + 37;
        DedupTable t = new DedupTable(store, cap);
        Batch b = new Batch();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            t.insert(b, BlockHasher.hash(block(i)), new Mapping(4096L * (i + 1), 4096, i).encode());
        }
        DedupStats s = t.stats();
        assertEquals(n, s.entries());
        assertTrue(s.cacheBytes() <= cap, s.toString());
        assertTrue(s.cachedEntries() <= cap / DdtCache.BYTES_PER_ENTRY, s.toString());
        assertTrue(s.cachedEntries() > cap / DdtCache.BYTES_PER_ENTRY / 2, "the cache fills: " + s);
        for (int i = 0; i < n; i += 97) {
            assertArrayEquals(new Mapping(4096L * (i + 1), 4096, i).encode(), t.lookup(b, BlockHasher.hash(block(i))));
        }
        assertTrue(s.toString().startsWith("dedup: DDT entries 20000, size "), s.toString());
        assertThrows(IllegalArgumentException.class, () -> Dedup.parse("maybe"));
        assertEquals(Dedup.VERIFY, Dedup.parse("Verify"));
    }
}
