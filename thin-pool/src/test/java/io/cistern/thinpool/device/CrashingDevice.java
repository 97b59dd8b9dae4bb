package io.cistern.thinpool.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A fault-injecting device: writes stay volatile until {@link #sync()}; {@link #crash()} drops every
 * volatile write and kills the device (later calls fail), as a power cut or SIGKILL with a volatile
 * disk cache would. The surviving bytes are on {@link #disk()}, to reopen on.
 */
public final class CrashingDevice implements BlockDevice {
    private record Pending(long offset, byte[] bytes) {
    }

    private final MemoryDevice disk;
    private final List<Pending> pending = new ArrayList<>();
    private boolean dead;

    public CrashingDevice(MemoryDevice disk) {
        this.disk = disk;
    }

    public MemoryDevice disk() {
        return disk;
    }

    @Override
    public long size() {
        return disk.size();
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) throws IOException {
        alive();
        int start = dst.position();
        int length = dst.remaining();
        disk.read(offset, dst);
        for (Pending p : pending) { // newer volatile writes over the disk, in order
            long from = Math.max(offset, p.offset());
            long to = Math.min(offset + length, p.offset() + p.bytes().length);
            for (long at = from; at < to; at++) {
                dst.put(start + (int) (at - offset), p.bytes()[(int) (at - p.offset())]);
            }
        }
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) throws IOException {
        alive();
        byte[] b = new byte[src.remaining()];
        src.get(b);
        pending.add(new Pending(offset, b));
    }

    @Override
    public synchronized void sync() throws IOException {
        alive();
        for (Pending p : pending) {
            disk.write(p.offset(), ByteBuffer.wrap(p.bytes()));
        }
        pending.clear();
    }

    @Override
    public synchronized boolean punchHole(long offset, long length) throws IOException {
        alive();
        pending.add(new Pending(offset, new byte[(int) length]));
        return true;
    }

    /** Drops every write not yet synced and fails every later call. */
    public synchronized void crash() {
        pending.clear();
        dead = true;
    }

    private void alive() throws IOException {
        if (dead) {
            throw new IOException("device crashed");
        }
    }

    @Override
    public void close() {
    }
}
