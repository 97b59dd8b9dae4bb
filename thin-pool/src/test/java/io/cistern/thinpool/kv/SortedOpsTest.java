package io.cistern.thinpool.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link SortedOps} against a TreeMap with the same unsigned order, through many leaf splits. */
class SortedOpsTest {
    /** Keys of 0-5 bytes from a small alphabet: many are prefixes of others, half the bytes are above 0x7f. */
    private static byte[] key(Random r) {
        byte[] k = new byte[r.nextInt(6)];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (r.nextInt(8) * 0x24);
        }
        return k;
    }

    /**
     * Keys like the pool's (a map or dead-list key: a long shared prefix, then a block number): up to
     * 20 bytes of one base, then 0-12 bytes of which only a few vary, so keys often tie on the 8 bytes
     * a leaf compares first and differ only after them.
     */
    private static byte[] longKey(Random r) {
        byte[] k = Arrays.copyOf(BASE, r.nextInt(BASE.length + 1) + r.nextInt(13));
        for (int i = BASE.length; i < k.length; i++) {
            k[i] = r.nextInt(4) == 0 ? (byte) (0x7f + r.nextInt(3)) : 0;
        }
        return k;
    }

    /**
     * 33-byte keys like a dead-list entry's (type, map, generation, block, birth) with blocks and
     * births from a small range: the keys of a leaf share more than the 24 bytes kept as words for
     * the upper level, so a search must read the keys themselves there.
     */
    private static byte[] deadKey(Random r) {
        return deadKey(r.nextInt(600), r.nextInt(40));
    }

    private static byte[] deadKey(long block, long birth) {
        return ByteBuffer.allocate(33).put((byte) 'K').putLong(3).putLong(7).putLong(block).putLong(birth).array();
    }

    /** The same put into the map under test and its model. */
    private static void put(SortedOps ops, TreeMap<byte[], byte[]> model, byte[] key, byte[] value) {
        ops.put(key, value);
        model.put(key, value);
    }

    private static final byte[] BASE = "M\u0000\u0000\u0000\u0000\u0000\u0000\u0001\u0007block:".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void behavesAsASortedMap() {
        for (int seed = 0; seed < 40; seed++) {
            Random r = new Random(seed);
            Function<Random, byte[]> keys = seed % 3 == 0 ? SortedOpsTest::key : seed % 3 == 1 ? SortedOpsTest::longKey : SortedOpsTest::deadKey;
            SortedOps ops = new SortedOps();
            TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
            int puts = 1 + r.nextInt(20_000);
            for (int i = 0; i < puts; i++) {
                byte[] k = keys.apply(r);
                byte[] v = new byte[] {(byte) i, (byte) (i >> 8)};
                put(ops, model, k, v);
                if (i % 997 == 0) {
                    check(ops, model, r, keys);
                }
            }
            check(ops, model, r, keys);
        }
    }

    @Test
    void keepsOrderThroughSequentialAndReverseInserts() {
        for (boolean reverse : new boolean[] {false, true}) {
            SortedOps ops = new SortedOps();
            TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
            for (int i = 0; i < 10 * SortedOps.LEAF + 3; i++) {
                int n = reverse ? 100_000 - i : i;
                byte[] k = new byte[] {(byte) (n >> 16), (byte) (n >> 8), (byte) n};
                put(ops, model, k, k);
            }
            check(ops, model, new Random(1), SortedOpsTest::key);
        }
    }

    /**
     * Keys below every other, put into the first leaf when its keys share more than the leading
     * bytes kept as words: one that differs from them only past those bytes, and one that is a
     * prefix of them ending before a nonzero byte the words hold.
     */
    @Test
    void findsKeysBelowALeafWhoseKeysShareALongPrefix() {
        SortedOps ops = new SortedOps();
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        for (int birth = 1000; birth < 1300; birth++) { // splits: a leaf learns its whole prefix then
            byte[] k = deadKey(1L << 32, birth);
            put(ops, model, k, k);
        }
        byte[] low = deadKey(1L << 32, 5);
        byte[] prefix = Arrays.copyOf(low, 18);
        for (byte[] k : List.of(low, prefix)) {
            put(ops, model, k, k);
        }
        check(ops, model, new Random(2), SortedOpsTest::deadKey);
    }

    @Test
    void anEmptyMapHasNothing() {
        SortedOps ops = new SortedOps();
        assertEquals(0, ops.size());
        assertNull(ops.get(new byte[] {1}));
        assertFalse(ops.range(new byte[0], new byte[] {(byte) 0xff}).next());
        ops.forEach((k, v) -> {
            throw new AssertionError("an entry in an empty map");
        });
    }

    @Test
    void aPutReplacesTheValueOfAnEqualKey() {
        SortedOps ops = new SortedOps();
        byte[] first = {9};
        ops.put(new byte[] {1, 2}, first);
        byte[] second = {8};
        ops.put(new byte[] {1, 2}, second);
        assertEquals(1, ops.size());
        assertSame(second, ops.get(new byte[] {1, 2}));
    }

    @Test
    void cursorsFailFastWhenTheMapChanges() {
        SortedOps ops = new SortedOps();
        for (int i = 0; i < 300; i++) {
            ops.put(new byte[] {(byte) (i >> 8), (byte) i}, new byte[0]);
        }
        SortedOps.Cursor c = ops.range(new byte[0], new byte[] {(byte) 0xff});
        assertTrue(c.next());
        ops.put(new byte[] {0, 0, 1}, new byte[0]);
        assertThrows(ConcurrentModificationException.class, c::next);
        assertThrows(ConcurrentModificationException.class,
                () -> ops.forEach((k, v) -> ops.put(new byte[] {0, (byte) 0x80, 1}, new byte[0])));
    }

    private static void check(SortedOps ops, TreeMap<byte[], byte[]> model, Random r, Function<Random, byte[]> keys) {
        assertEquals(model.size(), ops.size());
        List<byte[]> seen = new ArrayList<>();
        ops.forEach((k, v) -> {
            seen.add(k);
            assertSame(model.get(k), v);
        });
        assertEquals(model.size(), seen.size());
        int i = 0;
        for (byte[] k : model.keySet()) {
            assertArrayEquals(k, seen.get(i++));
        }
        for (int q = 0; q < 200; q++) {
            byte[] k = keys.apply(r);
            assertSame(model.get(k), ops.get(k));
            byte[] from = keys.apply(r);
            byte[] to = keys.apply(r);
            if (Arrays.compareUnsigned(from, to) > 0) {
                byte[] t = from;
                from = to;
                to = t;
            }
            SortedOps.Cursor c = ops.range(from, to);
            for (Map.Entry<byte[], byte[]> e : model.subMap(from, true, to, false).entrySet()) {
                assertTrue(c.next());
                assertArrayEquals(e.getKey(), c.key());
                assertSame(e.getValue(), c.value());
            }
            assertFalse(c.next());
        }
    }
}
