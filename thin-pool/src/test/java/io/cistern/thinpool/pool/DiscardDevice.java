package io.cistern.thinpool.pool;

import io.cistern.thinpool.device.BlockDevice;
import java.nio.ByteBuffer;

/**
 * A device that keeps only its label block and discards data: lets accounting tests write hundreds
 * of megabytes without holding them. Reads of data return zeros (and would fail their checksums).
 */
final class DiscardDevice implements BlockDevice {
    private final long size;
    private final byte[] label = new byte[4096];
    long bytesWritten;

    DiscardDevice(long size) {
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        while (dst.hasRemaining()) {
            dst.put(offset < label.length ? label[(int) offset] : 0);
            offset++;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        bytesWritten += src.remaining();
        if (offset == 0) {
            src.get(label, 0, Math.min(label.length, src.remaining()));
        }
    }

    @Override
    public void sync() {
    }

    @Override
    public boolean punchHole(long offset, long length) {
        return true;
    }

    @Override
    public void close() {
    }
}
