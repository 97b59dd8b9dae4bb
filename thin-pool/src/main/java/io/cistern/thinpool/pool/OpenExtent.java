package io.cistern.thinpool.pool;

/**
 * The packed extent that the compressed fragments of the next writes are appended to, so that lone
 * small writes share extents at their fragments' real size (packing across requests). It is
 * allocated, mapped and counted like any packed extent: its allocation and the owners of the
 * fragments in it commit in the batches of the writes that put them there, and its unused end is
 * allocated (and counted in ALLOC) until the extent is freed whole. Appending writes only bytes no
 * mapping has ever pointed at, and a fragment's data reaches the device before the commit that maps
 * it, as any write's does; after a crash the open extent is simply forgotten, its end stays unused.
 *
 * <p>It stays open across commits (a flush or FUA write after each small write must not cost a
 * whole extent), until full, or until its last owner goes ({@link Engine#free}): freed space must
 * never be appended to.
 *
 * <p>Thread-safety: none; metadata thread only.
 */
final class OpenExtent {
    private long offset = -1;
    private int units;
    private int end;

    boolean isOpen() {
        return offset >= 0;
    }

    /** Device offset of the open extent. */
    long offset() {
        return offset;
    }

    /** Its length in allocation units (as every mapping into it records). */
    int units() {
        return units;
    }

    /** Bytes taken from its start. */
    int end() {
        return end;
    }

    void open(long offset, int units, int end) {
        this.offset = offset;
        this.units = units;
        this.end = end;
    }

    /** The extent at {@code offset} was freed: if it is the open one, nothing more goes there. */
    void freed(long offset) {
        if (offset == this.offset) {
            this.offset = -1;
        }
    }
}
