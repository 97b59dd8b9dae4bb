package io.cistern.thinpool.pool;

import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;

/**
 * How to create a volume: size and mapping grain (both fixed in bytes; the grain for life), and
 * whether it is sparse (thin: no reservation) or reserved (thick: refreservation = volsize plus the
 * metadata its blocks may need); how new blocks are stored ({@code compression}, {@code dedup}:
 * both changeable later).
 */
public record VolumeSpec(long volsize, int volblocksize, boolean sparse, Compression compression, Dedup dedup) {
    public static final int DEFAULT_VOLBLOCKSIZE = 4096;

    public VolumeSpec {
        if (compression == null || dedup == null) {
            throw new IllegalArgumentException("compression and dedup must be given");
        }
    }

    /** Compression lz4 and dedup off, the defaults. */
    public VolumeSpec(long volsize, int volblocksize, boolean sparse) {
        this(volsize, volblocksize, sparse, Compression.DEFAULT, Dedup.OFF);
    }

    public static VolumeSpec sparse(long volsize) {
        return new VolumeSpec(volsize, DEFAULT_VOLBLOCKSIZE, true);
    }

    public static VolumeSpec reserved(long volsize) {
        return new VolumeSpec(volsize, DEFAULT_VOLBLOCKSIZE, false);
    }

    public VolumeSpec withVolblocksize(int bytes) {
        return new VolumeSpec(volsize, bytes, sparse, compression, dedup);
    }

    public VolumeSpec withCompression(Compression c) {
        return new VolumeSpec(volsize, volblocksize, sparse, c, dedup);
    }

    public VolumeSpec withDedup(Dedup d) {
        return new VolumeSpec(volsize, volblocksize, sparse, compression, d);
    }
}
