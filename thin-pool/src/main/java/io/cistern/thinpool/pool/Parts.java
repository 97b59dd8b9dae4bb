package io.cistern.thinpool.pool;

import io.cistern.thinpool.compress.Compression;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The bytes of one write in the buffers the caller holds them in (an iSCSI command's data segments,
 * heap or direct): blocks are taken from them without a copy unless one straddles two buffers, so
 * a large write is never joined into one buffer first.
 *
 * <p>Thread-safety: immutable once made; the caller must not change the buffers' contents until
 * the write completes.
 */
final class Parts {
    private final ByteBuffer[] buffers; // each from its position to its limit, none empty
    private final int[] starts; // where each buffer begins in the write
    private final int length;

    Parts(ByteBuffer... data) {
        ByteBuffer[] kept = new ByteBuffer[data.length];
        int[] at = new int[data.length];
        int n = 0;
        long total = 0;
        for (ByteBuffer b : data) {
            if (b.hasRemaining()) {
                kept[n] = b.duplicate();
                at[n++] = (int) total;
                total += b.remaining();
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a write of " + total + " bytes is too large");
        }
        this.buffers = Arrays.copyOf(kept, n);
        this.starts = Arrays.copyOf(at, n);
        this.length = (int) total;
    }

    int length() {
        return length;
    }

    /**
     * Bytes {@code [at, at + len)} stored with {@code setting} (see {@link Stored#of}): a view of the
     * caller's buffer, with its span, when they lie in one buffer and {@code own} is false, else a
     * copy.
     */
    Stored block(int at, int len, Compression setting, Function<ByteBuffer, byte[]> hasher, boolean own) {
        int i = index(at);
        ByteBuffer b = buffers[i];
        int from = b.position() + at - starts[i];
        if (!own && from + len <= b.limit()) {
            return Stored.of(b.slice(from, len), setting, hasher, new Stored.Span(b, from));
        }
        ByteBuffer copy = ByteBuffer.allocate(len);
        copyTo(at, copy, 0, len);
        return Stored.of(copy, setting, hasher, null);
    }

    /** Copies bytes {@code [at, at + len)} of the write into {@code dst} at index {@code dstIndex}. */
    void copyTo(int at, ByteBuffer dst, int dstIndex, int len) {
        for (int i = len == 0 ? 0 : index(at); len > 0; i++) {
            ByteBuffer b = buffers[i];
            int from = b.position() + at - starts[i];
            int n = Math.min(len, b.limit() - from);
            dst.put(dstIndex, b, from, n);
            at += n;
            dstIndex += n;
            len -= n;
        }
    }

    /** The buffer holding byte {@code at} of the write. */
    private int index(int at) {
        if (at < 0 || at >= length) {
            throw new IndexOutOfBoundsException(at + " outside a write of " + length + " bytes");
        }
        int i = Arrays.binarySearch(starts, at);
        return i >= 0 ? i : -i - 2;
    }
}
