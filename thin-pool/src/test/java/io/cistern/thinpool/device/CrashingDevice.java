package io.cistern.thinpool.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fault-injecting device: writes stay volatile until {@link #sync()}; {@link #crash()} drops every
 * volatile write and kills the device (later calls fail), as a power cut or SIGKILL with a volatile
 * disk cache would. The surviving bytes are on {@link #disk()}, to reopen on.
 *
 * <p>Cut points: {@link #cutAt} arms a crash at the n-th mutating call from now (write, sync, punch, or a
 * metadata-store write that reports through {@link #mutation()}), before that call takes effect; the call
 * and every later one fail. A cut may keep a random subset of the volatile writes instead of none, as a
 * power cut can leave any of them on the medium.
 */
public final class CrashingDevice implements BlockDevice {
    private record Pending(long offset, byte[] bytes) {
    }

    private final MemoryDevice disk;
    private final List<Pending> pending = new ArrayList<>();
    private boolean dead;
    private long mutations;
    private long cutAt = -1;
    private Random survivors;

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
        mutation();
        byte[] b = new byte[src.remaining()];
        src.get(b);
        pending.add(new Pending(offset, b));
    }

    @Override
    public synchronized void sync() throws IOException {
        mutation();
        for (Pending p : pending) {
            disk.write(p.offset(), ByteBuffer.wrap(p.bytes()));
        }
        pending.clear();
    }

    @Override
    public boolean sharesSpace() {
        return disk.sharesSpace();
    }

    @Override
    public synchronized boolean punchHole(long offset, long length) throws IOException {
        mutation();
        pending.add(new Pending(offset, new byte[(int) length]));
        return true;
    }

    /** Drops every write not yet synced (or, after {@link #cutAt} with survivors, a random subset) and fails every later call. */
    public synchronized void crash() {
        if (survivors != null && !dead) {
            for (Pending p : pending) {
                if (survivors.nextBoolean()) {
                    disk.write(p.offset(), ByteBuffer.wrap(p.bytes()));
                }
            }
        }
        pending.clear();
        dead = true;
    }

    /**
     * Arms a cut at the {@code n}-th (from 1) mutating call from now. With {@code survivors} non-null each volatile
     * write independently reaches the disk or not at the cut; with null, none does.
     */
    public synchronized void cutAt(long n, Random survivors) {
        this.cutAt = mutations + n;
        this.survivors = survivors;
    }

    /** Mutating calls so far. */
    public synchronized long mutations() {
        return mutations;
    }

    public synchronized boolean crashed() {
        return dead;
    }

    /** Counts one mutating call, cutting if it is the armed one; throws once the device is dead. */
    public synchronized void mutation() throws IOException {
        alive();
        if (++mutations == cutAt) {
            crash();
            throw new IOException("device cut at mutation " + mutations);
        }
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
