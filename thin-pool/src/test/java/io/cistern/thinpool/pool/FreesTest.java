package io.cistern.thinpool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.thinpool.alloc.Extent;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreesTest {
    @Test
    void joinsAFreeToTheLastOneOnItsSideWhenItFollowsIt() {
        Engine.Frees f = new Engine.Frees();
        f.add(new Extent(0, 4096), true);
        f.add(new Extent(4096, 4096), true); // follows: joined
        f.add(new Extent(8192, 4096), false); // follows, but punched: the other side
        f.add(new Extent(16384, 4096), true); // a gap: a new extent
        f.add(new Extent(12288, 4096), true); // before the last one: not joined (the commit sorts)
        assertEquals(List.of(new Extent(0, 8192), new Extent(16384, 4096), new Extent(12288, 4096)), f.kept());
        assertEquals(List.of(new Extent(8192, 4096)), f.punched());
    }

    @Test
    void aJoinedExtentStopsAtOneGibibyte() {
        Engine.Frees f = new Engine.Frees();
        long half = 1L << 29;
        f.add(new Extent(0, half), true);
        f.add(new Extent(half, half), true);
        f.add(new Extent(2 * half, 4096), true);
        assertEquals(List.of(new Extent(0, 2 * half), new Extent(2 * half, 4096)), f.kept());
    }
}
