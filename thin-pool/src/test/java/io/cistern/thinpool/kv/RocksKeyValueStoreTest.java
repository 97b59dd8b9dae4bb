package io.cistern.thinpool.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

class RocksKeyValueStoreTest {
    /** Our encoding of a batch is byte for byte what RocksDB's own puts and deletes build. */
    @Test
    void batchesAreSerializedAsRocksDbEncodesThem() throws RocksDBException {
        Random random = new Random(7);
        Batch batch = new Batch();
        for (int i = 0; i < 500; i++) {
            byte[] key = new byte[1 + random.nextInt(40)];
            random.nextBytes(key);
            if (random.nextInt(4) == 0) {
                batch.delete(key);
            } else {
                batch.put(key, new byte[random.nextInt(i % 50 == 0 ? 70_000 : 200)]); // lengths of 1, 2 and 3 varint bytes
            }
        }
        batch.put(new byte[] {9}, new byte[0]);
        try (WriteBatch expected = RocksKeyValueStore.perOperation(batch)) {
            assertArrayEquals(expected.data(), RocksKeyValueStore.serialize(batch));
            assertEquals(batch.size(), expected.count());
        }
    }

    @Test
    void aSerializedBatchLandsWhole(@TempDir Path dir) {
        try (RocksKeyValueStore store = new RocksKeyValueStore(dir, 1 << 20)) {
            Batch first = new Batch();
            first.put(new byte[] {1}, new byte[300]);
            first.put(new byte[] {2}, new byte[] {5});
            store.write(first, true);
            Batch second = new Batch();
            second.delete(new byte[] {1});
            second.put(new byte[] {3}, new byte[0]);
            store.write(second, false);
            assertNull(store.get(new byte[] {1}));
            assertArrayEquals(new byte[] {5}, store.get(new byte[] {2}));
            assertArrayEquals(new byte[0], store.get(new byte[] {3}));
            Batch huge = new Batch(); // past the serialized limit: handed over an operation at a time
            for (int i = 0; i < 20; i++) {
                byte[] value = new byte[1 << 20];
                value[i] = 1;
                huge.put(new byte[] {4, (byte) i}, value);
            }
            huge.delete(new byte[] {2});
            store.write(huge, true);
            assertNull(store.get(new byte[] {2}));
            assertEquals(1, store.get(new byte[] {4, 19})[19]);
        }
    }
}
