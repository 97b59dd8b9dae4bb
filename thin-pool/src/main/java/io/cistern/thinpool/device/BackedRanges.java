package io.cistern.thinpool.device;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The ranges of a sparse file known to have storage behind them: allocated since the device was
 * opened and not punched since. Lets a device skip the fallocate call for space it backed before
 * (the common case: the pool keeps what overwrites free backed, and reuses it first). Kept coalesced,
 * so memory follows the number of separate runs, not the file's size.
 *
 * <p>Thread-safety: synchronized; called once per allocation and once per punched run.
 */
final class BackedRanges {
    /** start -> end (exclusive); no two touch or overlap. */
    private final TreeMap<Long, Long> runs = new TreeMap<>();

    synchronized boolean covers(long offset, long length) {
        Map.Entry<Long, Long> run = runs.floorEntry(offset);
        return run != null && run.getValue() >= offset + length;
    }

    synchronized void add(long offset, long length) {
        long start = offset;
        long end = offset + length;
        Map.Entry<Long, Long> before = runs.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        NavigableMap<Long, Long> joined = runs.subMap(start, true, end, true);
        for (long runEnd : joined.values()) {
            end = Math.max(end, runEnd);
        }
        joined.clear();
        runs.put(start, end);
    }

    synchronized void remove(long offset, long length) {
        long end = offset + length;
        Map.Entry<Long, Long> before = runs.lowerEntry(offset);
        if (before != null && before.getValue() > offset) {
            runs.put(before.getKey(), offset);
            if (before.getValue() > end) {
                runs.put(end, before.getValue());
                return;
            }
        }
        NavigableMap<Long, Long> inside = runs.subMap(offset, true, end, false);
        long lastEnd = inside.isEmpty() ? end : inside.lastEntry().getValue();
        inside.clear();
        if (lastEnd > end) {
            runs.put(end, lastEnd);
        }
    }

    /** Number of separate runs (for tests). */
    synchronized int runs() {
        return runs.size();
    }
}
