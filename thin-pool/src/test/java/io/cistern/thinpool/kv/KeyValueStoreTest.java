package io.cistern.thinpool.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same cases against the RocksDB and the in-memory store. */
class KeyValueStoreTest {
    @TempDir
    static Path dir;
    private static int n;

    static Stream<Function<Path, KeyValueStore>> stores() {
        return Stream.of(p -> new MemoryKeyValueStore(), p -> new RocksKeyValueStore(p, 1 << 20));
    }

    private static byte[] k(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static List<String> keys(KeyValueStore.Cursor c) {
        List<String> out = new ArrayList<>();
        try (c) {
            while (c.next()) {
                out.add(java.util.Arrays.toString(c.key()) + "=" + java.util.Arrays.toString(c.value()));
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("stores")
    void batchesApplyAtomicallyAndKeysSortUnsigned(Function<Path, KeyValueStore> factory) {
        try (KeyValueStore s = factory.apply(dir.resolve("db" + n++))) {
            Batch b = new Batch();
            b.put(k(1, 0xff), k(1));
            b.put(k(1, 0x01), k(2));
            b.put(k(2), k(3));
            s.write(b, true);
            assertEquals(List.of("[1, 1]=[2]", "[1, -1]=[1]"), keys(s.scan(k(1), k(2))));
            Batch d = new Batch();
            d.delete(k(1, 1));
            s.write(d, true);
            assertNull(s.get(k(1, 1)));
            assertArrayEquals(k(3), s.get(k(2)));
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aBatchReadsThroughToItsStore(Function<Path, KeyValueStore> factory) {
        try (KeyValueStore s = factory.apply(dir.resolve("db" + n++))) {
            Batch base = new Batch();
            for (int i = 0; i < 6; i++) {
                base.put(k(5, i), k(i));
            }
            s.write(base, true);
            Batch b = new Batch();
            b.delete(k(5, 1));
            b.put(k(5, 2), k(20));
            b.put(k(5, 3, 0), k(30));
            b.delete(k(5, 5));
            assertNull(b.get(s, k(5, 1)));
            assertArrayEquals(k(20), b.get(s, k(5, 2)));
            assertArrayEquals(k(4), b.get(s, k(5, 4)));
            assertEquals(List.of("[5, 0]=[0]", "[5, 2]=[20]", "[5, 3]=[3]", "[5, 3, 0]=[30]", "[5, 4]=[4]"),
                    keys(b.scan(s, k(5), k(6))));
            assertEquals(List.of("[5, 2]=[20]", "[5, 3]=[3]"), keys(b.scan(s, k(5, 2), k(5, 3, 0))));
            assertTrue(s.cacheStats().hitRate() >= 0);
        }
    }

    /** Scans reuse one iterator per thread: each must see the writes before it and its exact bounds. */
    @ParameterizedTest
    @MethodSource("stores")
    void scansSeeEarlierWritesAndKeepTheirBounds(Function<Path, KeyValueStore> factory) {
        try (KeyValueStore s = factory.apply(dir.resolve("db" + n++))) {
            Batch b = new Batch();
            b.put(k(7, 1), k(1));
            b.put(k(7, 2, 0), k(2)); // the bound [7, 2] padded with a zero: just past the bound
            b.put(k(7, 3), k(3));
            s.write(b, true);
            assertEquals(List.of("[7, 1]=[1]"), keys(s.scan(k(7), k(7, 2))));
            Batch more = new Batch();
            more.put(k(7, 1, 5), k(15));
            more.delete(k(7, 3));
            s.write(more, true);
            assertEquals(List.of("[7, 1]=[1]", "[7, 1, 5]=[15]"), keys(s.scan(k(7), k(7, 2))));
            List<String> nested = new ArrayList<>();
            try (KeyValueStore.Cursor outer = s.scan(k(7), k(8))) {
                while (outer.next()) {
                    nested.add(keys(s.scan(outer.key(), k(8))).size() + "");
                }
            }
            assertEquals(List.of("3", "2", "1"), nested);
            byte[] longBound = new byte[100];
            longBound[0] = 8;
            assertEquals(3, keys(s.scan(k(7), longBound)).size());
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void committedDataSurvivesReopen(Function<Path, KeyValueStore> factory) {
        Path where = dir.resolve("reopen" + n++);
        Batch b = new Batch();
        b.put(k(9), k(9, 9));
        KeyValueStore s = factory.apply(where);
        s.write(b, true);
        if (s instanceof MemoryKeyValueStore m) {
            KeyValueStore copy = m.copy();
            s.close();
            s = copy;
        } else {
            s.close();
            s = new RocksKeyValueStore(where, 1 << 20);
        }
        try (KeyValueStore reopened = s) {
            assertArrayEquals(k(9, 9), reopened.get(k(9)));
        }
    }
}
