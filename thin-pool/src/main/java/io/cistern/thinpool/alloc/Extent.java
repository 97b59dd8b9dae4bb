package io.cistern.thinpool.alloc;

/** A run of device bytes: {@code [offset, offset + length)}. */
public record Extent(long offset, long length) {
    public Extent {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad extent " + offset + "+" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
