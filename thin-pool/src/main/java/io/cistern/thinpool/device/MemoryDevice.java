package io.cistern.thinpool.device;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A sparse device in memory, in 64 KiB pages allocated on first write: a large virtual size costs
 * only what is written. Used for tests and scratch pools; nothing survives the process.
 *
 * <p>Thread-safety: every method is synchronized.
 */
public class MemoryDevice implements BlockDevice {
    private static final int PAGE = 64 * 1024;
    private final long size;
    private final Map<Long, byte[]> pages = new HashMap<>();

    public MemoryDevice(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("device size must be positive: " + size);
        }
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) {
        check(offset, dst.remaining());
        long at = offset;
        while (dst.hasRemaining()) {
            int in = (int) (at % PAGE);
            int n = Math.min(PAGE - in, dst.remaining());
            byte[] page = pages.get(at / PAGE);
            if (page == null) {
                for (int i = 0; i < n; i++) {
                    dst.put((byte) 0);
                }
            } else {
                dst.put(page, in, n);
            }
            at += n;
        }
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) {
        check(offset, src.remaining());
        long at = offset;
        while (src.hasRemaining()) {
            int in = (int) (at % PAGE);
            int n = Math.min(PAGE - in, src.remaining());
            src.get(pages.computeIfAbsent(at / PAGE, p -> new byte[PAGE]), in, n);
            at += n;
        }
    }

    @Override
    public void sync() {
    }

    /** Punched pages go back to the heap. */
    @Override
    public boolean sharesSpace() {
        return true;
    }

    @Override
    public synchronized boolean punchHole(long offset, long length) {
        check(offset, length);
        for (long at = offset; at < offset + length; ) {
            int in = (int) (at % PAGE);
            int n = (int) Math.min(PAGE - in, offset + length - at);
            if (n == PAGE) {
                pages.remove(at / PAGE);
            } else {
                byte[] page = pages.get(at / PAGE);
                if (page != null) {
                    java.util.Arrays.fill(page, in, in + n, (byte) 0);
                }
            }
            at += n;
        }
        return true;
    }

    /** Bytes of memory holding data, for tests of hole punching. */
    public synchronized long residentBytes() {
        return (long) pages.size() * PAGE;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " outside device of " + size);
        }
    }

    @Override
    public void close() {
    }
}
