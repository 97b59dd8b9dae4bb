package io.cistern.thinpool.device;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of byte ranges, kept coalesced so that memory follows the number of separate runs, not the
 * span they cover. A sparse file device keeps in one the ranges it allocated and has not punched
 * since, and skips fallocate for them.
 *
 * <p>Thread-safety: synchronized; called about once per allocation and once per punch.
 */
final class RangeSet {
    /** start -> end (exclusive); no two touch or overlap. */
    private final TreeMap<Long, Long> runs = new TreeMap<>();
    private long bytes;

    synchronized boolean covers(long offset, long length) {
        Map.Entry<Long, Long> run = runs.floorEntry(offset);
        return run != null && run.getValue() >= offset + length;
    }

    /** Adds {@code [offset, offset + length)}, whatever of it is in the set already. */
    synchronized void add(long offset, long length) {
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
    synchronized long remove(long offset, long length) {
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

    /** Bytes in the set. */
    synchronized long bytes() {
        return bytes;
    }

    /** Number of separate runs. */
    synchronized int runs() {
        return runs.size();
    }
}
