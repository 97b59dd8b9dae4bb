package io.cistern.thinpool.pool;

/**
 * How to create a volume: size and mapping grain (both fixed in bytes; the grain for life), and
 * whether it is sparse (thin: no reservation) or reserved (thick: refreservation = volsize plus the
 * metadata its blocks may need).
 */
public record VolumeSpec(long volsize, int volblocksize, boolean sparse) {
    public static final int DEFAULT_VOLBLOCKSIZE = 4096;

    public static VolumeSpec sparse(long volsize) {
        return new VolumeSpec(volsize, DEFAULT_VOLBLOCKSIZE, true);
    }

    public static VolumeSpec reserved(long volsize) {
        return new VolumeSpec(volsize, DEFAULT_VOLBLOCKSIZE, false);
    }

    public VolumeSpec withVolblocksize(int bytes) {
        return new VolumeSpec(volsize, bytes, sparse);
    }
}
