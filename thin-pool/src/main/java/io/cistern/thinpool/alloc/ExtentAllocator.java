package io.cistern.thinpool.alloc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Free extents in two ordered indexes, by offset (to coalesce neighbours) and by size (to find a
 * fit), after BlueStore's AVL allocator. Allocation is first-fit from a moving cursor, so sequential
 * writes land sequentially; it falls back to best-fit, then to gathering the largest pieces.
 *
 * <p>Each free extent says whether the layer below still backs it (see {@link #release(long, long,
 * boolean)}); backed space is tried first, by first-fit from a cursor of its own over a third index,
 * of the backed extents by offset. Neighbours coalesce only when both are backed or both not, so
 * releasing a block an overwrite freed costs four tree lookups (a separate set of backed ranges cost
 * eight). The by-size index leaves out extents of one unit, which fit any one-unit request and are
 * found by offset; random 4 KiB overwrites free mostly those.
 * (A free run of both kinds counts as pieces in {@link #fragmentation()} and in a fit.)
 *
 * <p>Memory is proportional to the number of free extents, not to the device size.
 */
public final class ExtentAllocator implements Allocator {
    public static final String NAME = "extent";
    private static final int FIRST_FIT_SCAN = 64;
    /** {offset, length} by length, then offset: one plain comparison (composed comparators showed in profiles). */
    private static final Comparator<long[]> BY_SIZE = (a, b) -> a[1] != b[1] ? Long.compare(a[1], b[1]) : Long.compare(a[0], b[0]);

    private final long unit;
    /** offset -> length << 1 | 1 if backed. */
    private final TreeMap<Long, Long> byOffset = new TreeMap<>();
    /** The extents longer than one unit. */
    private final TreeSet<long[]> bySize = new TreeSet<>(BY_SIZE);
    /** The backed extents: offset -> length. */
    private final TreeMap<Long, Long> backedByOffset = new TreeMap<>();
    private long free;
    private long backedFree;
    private long cursor;
    private long backedCursor;

    public ExtentAllocator(long unit) {
        if (unit <= 0 || Long.bitCount(unit) != 1) {
            throw new IllegalArgumentException("allocation unit must be a power of two: " + unit);
        }
        this.unit = unit;
    }

    @Override
    public long unit() {
        return unit;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Extent> allocate(long want, long chunk) {
        if (want <= 0 || chunk <= 0 || chunk % unit != 0 || want % chunk != 0) {
            throw new IllegalArgumentException("allocate " + want + " in chunks of " + chunk + " (unit " + unit + ")");
        }
        if (want > free) {
            return List.of();
        }
        long warm = backedFree < want ? -1 : backedFit(want);
        if (warm >= 0) {
            take(warm, want);
            backedCursor = warm + want;
            return List.of(new Extent(warm, want));
        }
        long fit = firstFit(want);
        if (fit < 0) {
            fit = bestFit(want);
        }
        if (fit >= 0) {
            take(fit, want);
            cursor = fit + want;
            return List.of(new Extent(fit, want));
        }
        return gather(want, chunk);
    }

    /** The first backed extent of {@code want} bytes from the backed cursor on, wrapping once; -1 if none is near. */
    private long backedFit(long want) {
        int scanned = 0;
        for (Map<Long, Long> part : List.of(backedByOffset.tailMap(backedCursor, true), backedByOffset.headMap(backedCursor, false))) {
            for (Map.Entry<Long, Long> e : part.entrySet()) {
                if (e.getValue() >= want) {
                    return e.getKey();
                }
                if (++scanned == FIRST_FIT_SCAN) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private long firstFit(long want) {
        int scanned = 0;
        for (Map.Entry<Long, Long> e : byOffset.tailMap(cursor, true).entrySet()) {
            if (length(e.getValue()) >= want) {
                return e.getKey();
            }
            if (++scanned == FIRST_FIT_SCAN) {
                break;
            }
        }
        return -1;
    }

    /** The smallest extent of {@code want} bytes; -1 if none. A one-unit request takes any extent. */
    private long bestFit(long want) {
        long[] fit = bySize.ceiling(new long[] {0, want});
        if (fit != null) {
            return fit[0];
        }
        return want == unit && !byOffset.isEmpty() ? byOffset.firstKey() : -1;
    }

    /**
     * Several extents, largest first, one-unit extents last (when the chunk is one unit); found
     * before any is taken, so a shortfall changes nothing (not even which space is backed).
     */
    private List<Extent> gather(long want, long chunk) {
        List<Extent> got = new ArrayList<>();
        long found = 0;
        for (Iterator<long[]> it = bySize.descendingIterator(); found < want && it.hasNext(); ) {
            long[] e = it.next();
            long usable = Math.min(e[1] / chunk * chunk, want - found);
            if (usable == 0) {
                break; // nothing after it is larger
            }
            got.add(new Extent(e[0], usable));
            found += usable;
        }
        for (Iterator<Map.Entry<Long, Long>> it = byOffset.entrySet().iterator(); chunk == unit && found < want && it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            if (length(e.getValue()) == unit) {
                got.add(new Extent(e.getKey(), unit));
                found += unit;
            }
        }
        if (found < want) {
            return List.of();
        }
        got.forEach(e -> take(e.offset(), e.length()));
        return got;
    }

    /** Removes {@code [offset, offset + length)} from the free extent that contains it. */
    private void take(long offset, long length) {
        Map.Entry<Long, Long> e = byOffset.floorEntry(offset);
        if (e == null || e.getKey() + length(e.getValue()) < offset + length) {
            throw new IllegalStateException("range " + offset + "+" + length + " is not free");
        }
        long start = e.getKey();
        long end = start + length(e.getValue());
        boolean backed = backed(e.getValue());
        remove(start, e.getValue());
        if (start < offset) { // the pieces left keep the flag; their neighbours differ in it already
            insert(start, offset - start, backed);
        }
        if (offset + length < end) {
            insert(offset + length, end - offset - length, backed);
        }
        free -= length;
        backedFree -= backed ? length : 0;
    }

    @Override
    public void release(long offset, long length, boolean isBacked) {
        check(offset, length);
        Map.Entry<Long, Long> before = byOffset.floorEntry(offset);
        if (before != null && before.getKey() + length(before.getValue()) > offset) {
            throw new IllegalStateException("double free of " + offset + "+" + length);
        }
        Map.Entry<Long, Long> after = byOffset.ceilingEntry(offset);
        if (after != null && after.getKey() < offset + length) {
            throw new IllegalStateException("double free of " + offset + "+" + length);
        }
        put(offset, length, isBacked, before, after);
        free += length;
        backedFree += isBacked ? length : 0;
    }

    /**
     * Indexes a free range, joined with its neighbours of the same flag: {@code before} and
     * {@code after}, the extents below and above it (null if none).
     */
    private void put(long offset, long length, boolean backed, Map.Entry<Long, Long> before, Map.Entry<Long, Long> after) {
        long start = offset;
        long end = offset + length;
        if (before != null && before.getKey() + length(before.getValue()) == offset && backed(before.getValue()) == backed) {
            start = before.getKey();
            remove(start, before.getValue());
        }
        if (after != null && after.getKey() == end && backed(after.getValue()) == backed) {
            remove(end, after.getValue());
            end += length(after.getValue());
        }
        insert(start, end - start, backed);
    }

    @Override
    public long backedFreeBytes() {
        return backedFree;
    }

    @Override
    public List<Extent> unback(long bytes) {
        long want = (bytes + unit - 1) / unit * unit;
        List<Extent> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e = backedByOffset.lastEntry(); want > 0 && e != null; e = backedByOffset.lowerEntry(e.getKey())) {
            long start = e.getKey();
            long end = start + e.getValue();
            long cut = Math.max(start, end - want);
            remove(start, entry(e.getValue(), true));
            if (start < cut) {
                insert(start, cut - start, true);
            }
            put(cut, end - cut, false, byOffset.lowerEntry(cut), byOffset.ceilingEntry(cut));
            out.add(new Extent(cut, end - cut));
            want -= end - cut;
            backedFree -= end - cut;
        }
        return out;
    }

    @Override
    public long freeRunAt(long offset) {
        Map.Entry<Long, Long> e = byOffset.floorEntry(offset);
        if (e == null || e.getKey() + length(e.getValue()) <= offset) {
            return 0;
        }
        long end = e.getKey() + length(e.getValue());
        for (Long next = byOffset.get(end); next != null; next = byOffset.get(end)) { // backed and not, side by side
            end += length(next);
        }
        return end - offset;
    }

    @Override
    public void initAddFree(long offset, long length) {
        release(offset, length);
    }

    @Override
    public void initRmFree(long offset, long length) {
        check(offset, length);
        take(offset, length);
    }

    @Override
    public long freeBytes() {
        return free;
    }

    @Override
    public double fragmentation() {
        return free == 0 ? 0 : 1.0 - (double) (bySize.isEmpty() ? unit : bySize.last()[1]) / free;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length <= 0 || offset % unit != 0 || length % unit != 0) {
            throw new IllegalArgumentException("extent " + offset + "+" + length + " not aligned to " + unit);
        }
    }

    private void insert(long offset, long length, boolean backed) {
        byOffset.put(offset, entry(length, backed));
        if (length > unit) {
            bySize.add(new long[] {offset, length});
        }
        if (backed) {
            backedByOffset.put(offset, length);
        }
    }

    /** Drops the extent at {@code offset}, whose {@link #byOffset} entry is {@code entry}. */
    private void remove(long offset, long entry) {
        byOffset.remove(offset);
        if (length(entry) > unit) {
            bySize.remove(new long[] {offset, length(entry)});
        }
        if (backed(entry)) {
            backedByOffset.remove(offset);
        }
    }

    private static long entry(long length, boolean backed) {
        return length << 1 | (backed ? 1 : 0);
    }

    private static long length(long entry) {
        return entry >>> 1;
    }

    private static boolean backed(long entry) {
        return (entry & 1) != 0;
    }
}
