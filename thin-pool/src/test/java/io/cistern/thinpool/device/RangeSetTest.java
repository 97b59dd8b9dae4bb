package io.cistern.thinpool.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeSetTest {

    @Test
    void runsCoalesceAndSplit() {
        RangeSet r = new RangeSet();
        r.add(0, 10);
        r.add(20, 10);
        r.add(10, 10); // fills the gap: one run
        assertEquals(1, r.runs());
        assertTrue(r.covers(0, 30));
        r.remove(5, 10);
        assertEquals(2, r.runs());
        assertTrue(r.covers(0, 5));
        assertFalse(r.covers(4, 2));
        assertTrue(r.covers(15, 15));
        assertFalse(r.covers(15, 16));
    }

    /** Against a bitmap of units, through random adds and removes. */
    @Test
    void agreesWithABitmap() {
        Random random = new Random(7);
        RangeSet r = new RangeSet();
        BitSet units = new BitSet();
        for (int i = 0; i < 20_000; i++) {
            int from = random.nextInt(200);
            int length = 1 + random.nextInt(20);
            if (random.nextBoolean()) {
                r.add(from, length);
                units.set(from, from + length);
            } else {
                int had = units.get(from, from + length).cardinality();
                assertEquals(had, r.remove(from, length), "step " + i);
                units.clear(from, from + length);
            }
            int at = random.nextInt(220);
            int span = 1 + random.nextInt(10);
            assertEquals(units.nextClearBit(at) >= at + span, r.covers(at, span), "step " + i);
            assertEquals(units.cardinality(), r.bytes(), "step " + i);
        }
    }
}
