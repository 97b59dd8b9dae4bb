package io.cistern.thinpool.pool;

import java.util.List;

/**
 * What a scrub found: every stored block version read and checked against its CRC32C.
 *
 * @param blocks  block versions checked (live and snapshot-only)
 * @param bytes   bytes read
 * @param damaged the versions that failed, by volume and block
 */
public record ScrubReport(long blocks, long bytes, List<Damage> damaged) {
    /**
     * One damaged block version.
     *
     * @param volume the volume (or clone) whose map holds it
     * @param block  block number in that volume
     * @param live   true if the volume reads it now; false if only snapshots do
     * @param reason checksum mismatch or read error
     */
    public record Damage(String volume, long block, boolean live, String reason) {
    }

    public boolean clean() {
        return damaged.isEmpty();
    }
}
