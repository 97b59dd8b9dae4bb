package io.cistern.thinpool.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case runs against every allocator implementation, by name. */
class AllocatorTest {
    private static final long U = 4096;

    static Stream<String> names() {
        return Allocators.NAMES.stream();
    }

    private static Allocator fresh(String name, long units) {
        Allocator a = Allocators.create(name, U);
        a.initAddFree(U, units * U); // unit 0 is the label
        return a;
    }

    @ParameterizedTest
    @MethodSource("names")
    void tellsTheFreeRunAfterAnOffset(String name) {
        Allocator a = fresh(name, 100);
        a.allocate(10 * U, U);
        assertEquals(90 * U, a.freeRunAt(11 * U));
        assertEquals(85 * U, a.freeRunAt(16 * U));
        assertEquals(0, a.freeRunAt(5 * U), "allocated");
        assertEquals(0, a.freeRunAt(101 * U), "past the end");
        a.allocate(U, U);
        assertEquals(89 * U, a.freeRunAt(12 * U));
    }

    @ParameterizedTest
    @MethodSource("names")
    void allocatesContiguouslyAndCoalescesOnRelease(String name) {
        Allocator a = fresh(name, 100);
        List<Extent> e = a.allocate(10 * U, U);
        assertEquals(List.of(new Extent(U, 10 * U)), e);
        assertEquals(90 * U, a.freeBytes());
        a.release(U, 5 * U);
        a.release(6 * U, 5 * U);
        assertEquals(100 * U, a.freeBytes());
        assertEquals(0.0, a.fragmentation());
        assertEquals(List.of(new Extent(U, 100 * U)), a.allocate(100 * U, U));
    }

    @ParameterizedTest
    @MethodSource("names")
    void handsOutBackedSpaceFirstAndForgetsItWhenAskedHighestFirst(String name) {
        Allocator a = fresh(name, 100);
        a.allocate(40 * U, U); // units 1..40
        a.release(5 * U, U, true);
        a.release(6 * U, U, true);   // joins: 5..6 backed
        a.release(20 * U, 4 * U, true);
        a.release(30 * U, U);        // free, not backed
        assertEquals(6 * U, a.backedFreeBytes());
        assertEquals(List.of(new Extent(20 * U, 4 * U)), a.allocate(4 * U, U), "the one backed range that holds 4 units");
        assertEquals(2 * U, a.backedFreeBytes());
        assertEquals(List.of(new Extent(5 * U, U)), a.allocate(U, U), "backed before the cursor's first fit");
        a.release(10 * U, 3 * U, true);
        a.release(35 * U, 2 * U, true);
        assertEquals(6 * U, a.backedFreeBytes());
        assertEquals(List.of(new Extent(35 * U, 2 * U), new Extent(12 * U, U)), a.unback(2 * U + 1));
        assertEquals(3 * U, a.backedFreeBytes());
        long free = a.freeBytes();
        assertEquals(List.of(new Extent(6 * U, U)), a.allocate(U, U), "backed space after the last handed out");
        assertEquals(free - U, a.freeBytes(), "unbacked space stays free");
        assertEquals(List.of(new Extent(10 * U, 2 * U)), a.allocate(2 * U, U));
        assertEquals(0, a.backedFreeBytes());
    }

    @ParameterizedTest
    @MethodSource("names")
    void findsBackedSpaceBehindManyUnbackedExtents(String name) {
        Allocator a = fresh(name, 300);
        a.allocate(300 * U, U);
        for (long u = 2; u <= 200; u += 2) {
            a.release(u * U, U); // 100 separate unbacked units (punched) between the backed cursor and...
        }
        a.release(250 * U, U, true); // ...the one backed unit
        assertEquals(List.of(new Extent(250 * U, U)), a.allocate(U, U), "the backed unit, not an unbacked one");
    }

    @ParameterizedTest
    @MethodSource("names")
    void gathersPiecesWhenFragmentedAndHonoursTheChunk(String name) {
        Allocator a = fresh(name, 64);
        a.allocate(64 * U, U);
        for (long i = 0; i < 64; i += 4) {
            a.release(U + i * U, 3 * U); // free runs of 3 units, 1 used between
        }
        assertTrue(a.fragmentation() > 0.9);
        List<Extent> got = a.allocate(8 * U, 2 * U);
        assertEquals(8 * U, got.stream().mapToLong(Extent::length).sum());
        got.forEach(x -> assertEquals(0, x.length() % (2 * U)));
        assertEquals(48 * U - 8 * U, a.freeBytes());
    }

    @ParameterizedTest
    @MethodSource("names")
    void allOrNothingWhenSpaceIsShort(String name) {
        Allocator a = fresh(name, 16);
        a.allocate(16 * U, U);
        a.release(U, 2 * U);
        a.release(5 * U, 2 * U);
        assertEquals(List.of(), a.allocate(8 * U, U));
        assertEquals(4 * U, a.freeBytes());
        assertEquals(List.of(), a.allocate(4 * U, 4 * U)); // enough bytes, but no 4-unit run
        assertEquals(4 * U, a.freeBytes());
    }

    @ParameterizedTest
    @MethodSource("names")
    void refusesDoubleFreeAndMisalignment(String name) {
        Allocator a = fresh(name, 16);
        assertThrows(IllegalStateException.class, () -> a.release(2 * U, U));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(100, U));
        assertThrows(IllegalArgumentException.class, () -> a.release(U + 1, U));
    }

    @ParameterizedTest
    @MethodSource("names")
    void mountReplaysFreeThenAllocatedRanges(String name) {
        Allocator a = fresh(name, 32);
        a.initRmFree(4 * U, 8 * U);
        assertEquals(24 * U, a.freeBytes());
        assertThrows(IllegalStateException.class, () -> a.initRmFree(5 * U, U));
    }

    /**
     * Random allocations, releases (backed or not) and unbacks against a model of units: nothing is
     * handed out twice, an unback returns only backed free units, and the free, backed-free and
     * free-run figures agree with the model after every step.
     */
    @ParameterizedTest
    @MethodSource("names")
    void randomAllocateReleaseUnbackAgreesWithAModel(String name) {
        int units = 1024;
        Allocator a = fresh(name, units);
        Random rnd = new Random(7);
        List<Extent> held = new ArrayList<>();
        boolean[] used = new boolean[units + 2];
        BitSet backed = new BitSet();
        for (int i = 0; i < 4000; i++) {
            int op = rnd.nextInt(8);
            if (op < 3 && !held.isEmpty()) {
                Extent e = held.remove(rnd.nextInt(held.size()));
                mark(used, e, false);
                boolean kept = rnd.nextBoolean();
                a.release(e.offset(), e.length(), kept);
                backed.set((int) (e.offset() / U), (int) (e.end() / U), kept);
            } else if (op == 3) {
                for (Extent e : a.unback((1 + rnd.nextInt(16)) * U)) {
                    for (long u = e.offset() / U; u < e.end() / U; u++) {
                        assertTrue(backed.get((int) u) && !used[(int) u], "unbacked unit " + u + " was backed and free");
                        backed.clear((int) u);
                    }
                }
            } else {
                long chunk = rnd.nextInt(4) == 0 ? 2 * U : U;
                for (Extent e : a.allocate((1 + rnd.nextInt(8)) * chunk, chunk)) {
                    mark(used, e, true);
                    backed.clear((int) (e.offset() / U), (int) (e.end() / U));
                    held.add(e);
                }
            }
            long heldBytes = held.stream().mapToLong(Extent::length).sum();
            assertEquals(units * U - heldBytes, a.freeBytes(), "step " + i);
            assertEquals(backed.cardinality() * U, a.backedFreeBytes(), "step " + i);
            int at = 1 + rnd.nextInt(units);
            int run = 0;
            while (at + run <= units && !used[at + run]) {
                run++;
            }
            assertEquals(run * U, a.freeRunAt(at * U), "free run at unit " + at + ", step " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void backedAndUnbackedNeighboursStayApartButMakeOneFreeRun(String name) {
        Allocator a = fresh(name, 16);
        a.allocate(16 * U, U);
        a.release(U, 4 * U, true);
        a.release(5 * U, 4 * U);
        assertEquals(8 * U, a.freeRunAt(U));
        assertEquals(4 * U, a.backedFreeBytes());
        assertEquals(List.of(new Extent(U, 2 * U)), a.allocate(2 * U, U), "backed first");
        assertEquals(2 * U, a.backedFreeBytes());
        assertEquals(List.of(new Extent(5 * U, 4 * U)), a.allocate(4 * U, U), "no backed run holds 4 units");
        assertEquals(2 * U, a.backedFreeBytes());
    }

    private static void mark(boolean[] used, Extent e, boolean value) {
        for (long u = e.offset() / U; u < e.end() / U; u++) {
            assertEquals(!value, used[(int) u], "unit " + u);
            used[(int) u] = value;
        }
    }
}
