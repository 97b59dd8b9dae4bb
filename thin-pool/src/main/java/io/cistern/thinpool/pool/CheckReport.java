package io.cistern.thinpool.pool;

import java.util.List;

/**
 * What the consistency check found. Empty {@code problems} means: every extent mapped as many
 * times as its owner count says, no extents overlapping, every mapped extent recorded allocated, no allocated byte without an owner (leak), every dead-list entry backed
 * by its version, and every head's counters equal to what its map holds.
 *
 * @param extents        stored extents
 * @param mappedBytes    bytes they cover
 * @param allocatedBytes bytes the freelist records allocated
 */
public record CheckReport(long extents, long mappedBytes, long allocatedBytes, List<String> problems) {
    public boolean clean() {
        return problems.isEmpty();
    }
}
