package io.cistern.thinpool.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of byte ranges, kept coalesced so that memory follows the number of separate runs, not the
 * span they cover. Serves both sides of "space with storage behind it": a sparse file device's
 * ranges allocated and not punched since (it then skips fallocate for them), and the allocator's
 * free space that is still backed (handed out first).
 *
 * <p>Thread-safety: synchronized; called about once per allocation and once per free run.
 */
public final class RangeSet {
    /** start -> end (exclusive); no two touch or overlap. */
    private final TreeMap<Long, Long> runs = new TreeMap<>();
    private long bytes;

    public synchronized boolean covers(long offset, long length) {
        Map.Entry<Long, Long> run = runs.floorEntry(offset);
        return run != null && run.getValue() >= offset + length;
    }

    /** Adds {@code [offset, offset + length)}, whatever of it is in the set already. */
    public synchronized void add(long offset, long length) {
        long start = offset;
        long end = offset + length;
        remove(start, length);
        Map.Entry<Long, Long> before = runs.floorEntry(start);
        if (before != null && before.getValue() == start) {
            start = before.getKey();
            runs.remove(start);
        }
        Long after = runs.remove(end);
        if (after != null) {
            end = after;
        }
        runs.put(start, end);
        bytes += length;
    }

    /** Removes {@code [offset, offset + length)}; returns how many of those bytes were in the set. */
    public synchronized long remove(long offset, long length) {
        long to = offset + length;
        long removed = 0;
        Map.Entry<Long, Long> e = runs.lowerEntry(to);
        while (e != null && e.getValue() > offset) {
            long start = e.getKey();
            long end = e.getValue();
            runs.remove(start);
            removed += Math.min(end, to) - Math.max(start, offset);
            if (start < offset) {
                runs.put(start, offset);
            }
            if (end > to) {
                runs.put(to, end);
            }
            e = runs.lowerEntry(start);
        }
        bytes -= removed;
        return removed;
    }

    /**
     * The first run of at least {@code length} bytes that starts at or after {@code from}, else from
     * the lowest on (so the search wraps around once), looking at {@code scan} runs at most; null if
     * none of those holds it.
     */
    public synchronized Extent fit(long from, long length, int scan) {
        if (bytes < length) {
            return null;
        }
        int scanned = 0;
        for (Map<Long, Long> part : List.of(runs.tailMap(from, true), runs.headMap(from, false))) {
            for (Map.Entry<Long, Long> e : part.entrySet()) {
                if (e.getValue() - e.getKey() >= length) {
                    return new Extent(e.getKey(), e.getValue() - e.getKey());
                }
                if (++scanned == scan) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Removes up to {@code want} bytes from the highest end down; returns the ranges removed. */
    public synchronized List<Extent> removeHighest(long want) {
        List<Extent> out = new ArrayList<>();
        while (want > 0 && !runs.isEmpty()) {
            Map.Entry<Long, Long> last = runs.lastEntry();
            long start = Math.max(last.getKey(), last.getValue() - want);
            out.add(new Extent(start, last.getValue() - start));
            want -= remove(start, last.getValue() - start);
        }
        return out;
    }

    /** Bytes in the set. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Number of separate runs. */
    public synchronized int runs() {
        return runs.size();
    }
}
