package io.cistern.thinpool.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.compress.Codec;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import org.junit.jupiter.api.Test;

class PackedMappingTest {
    @Test
    void roundTripsInTwentyBytesAndIsToldFromARawMapping() {
        PackedMapping m = new PackedMapping(1L << 40, 1234, 0xCAFEBABE, 65535, 255, Codec.ZSTD);
        byte[] v = m.encode();
        assertEquals(PackedMapping.BYTES, v.length);
        assertEquals(m, PackedMapping.decode(v));
        assertTrue(PackedMapping.isPacked(v));
        assertFalse(PackedMapping.isPacked(new Mapping(8192, 4096, 1).encode()));
        assertEquals(1L << 40, PackedMapping.extentOf(v));
        assertEquals(8192, PackedMapping.extentOf(new Mapping(8192, 4096, 1).encode()));
        assertEquals((1L << 40) + 65535, m.fragmentAddress());
        assertEquals(255L * 4096, m.extentBytes(4096));
        assertEquals(45, Keys.MAP_KEY_BYTES + PackedMapping.BYTES, "per compressed block, within the 48-byte budget");
    }

    @Test
    void rejectsWhatCannotBeStored() {
        assertThrows(IllegalArgumentException.class, () -> new PackedMapping(0, 100, 0, 65536, 1, Codec.LZ4));
        assertThrows(IllegalArgumentException.class, () -> new PackedMapping(0, 100, 0, 0, 0, Codec.LZ4));
        assertThrows(IllegalArgumentException.class, () -> new PackedMapping(0, 100, 0, 0, 256, Codec.LZ4));
        assertThrows(IllegalArgumentException.class, () -> new PackedMapping(0, 100, 0, 0, 1, Codec.RAW));
        assertThrows(IllegalArgumentException.class, () -> new PackedMapping(0, 0, 0, 0, 1, Codec.LZ4));
        byte[] v = new PackedMapping(0, 100, 0, 0, 1, Codec.LZ4).encode();
        v[19] |= 0x40;
        assertThrows(IllegalArgumentException.class, () -> PackedMapping.decode(v));
        v[19] = 3;
        assertThrows(IllegalArgumentException.class, () -> PackedMapping.decode(v));
        assertThrows(IllegalArgumentException.class, () -> PackedMapping.decode(new byte[16]));
    }

    @Test
    void aPackedExtentHasOneOwnerPerFragmentAndIsFreedWithTheLast() {
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        RefCounts refs = new RefCounts(store);
        Batch b = new Batch();
        refs.created(b, 4096, 3);
        refs.created(b, 8192, 1);
        assertEquals(2, refs.extra(b, 4096));
        assertEquals(0, refs.extra(b, 8192));
        assertFalse(refs.release(b, 4096));
        assertFalse(refs.release(b, 4096));
        assertTrue(refs.release(b, 4096), "the last fragment frees the extent");
        assertTrue(refs.release(b, 8192));
        assertThrows(IllegalArgumentException.class, () -> refs.created(b, 0, 0));
    }

    @Test
    void dedupKeysSortAndSplit() {
        byte[] hash = new byte[32];
        hash[0] = (byte) 0xFF;
        for (int i = 1; i < 16; i++) {
            hash[i] = (byte) 0xFF;
        }
        byte[] key = DedupKeys.entry(hash);
        assertArrayEquals(hash, DedupKeys.hashOf(key));
        byte[] half = java.util.Arrays.copyOf(hash, 16);
        assertTrue(java.util.Arrays.compareUnsigned(DedupKeys.entryPrefix(half), key) <= 0);
        assertTrue(java.util.Arrays.compareUnsigned(key, DedupKeys.entryPrefixEnd(half)) < 0);
        assertTrue(java.util.Arrays.compareUnsigned(DedupKeys.count(), DedupKeys.entryPrefix(new byte[16])) < 0);
        assertEquals(77, DedupKeys.backrefExtentOf(DedupKeys.backref(77, 5)));
        assertThrows(IllegalArgumentException.class, () -> DedupKeys.entry(new byte[20]));
    }
}
