package io.cistern.target.backend;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fully provisioned logical unit on a regular file or a block device, through a
 * {@link FileChannel} with positional I/O on a small pool of its own threads, so callers never
 * block. FUA forces the channel after the write; flush forces it. UNMAP is not offered: punching
 * holes needs fallocate(2), which plain Java cannot reach.
 */
public final class FileBackend implements LunBackend {

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final Path path;
    private final FileChannel channel;
    private final int blockSize;
    private final int grainSize;
    private final boolean readOnly;
    private final UUID uuid;
    private final ExecutorService io;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile long blockCount;

    /**
     * Opens {@code path} (which must exist) with I/O on {@code threads} threads of its own.
     *
     * @param uuid the unit's stable identity (keep it in the configuration; it names the LUN to
     *             initiators through VPD 0x80/0x83)
     */
    public FileBackend(Path path, int blockSize, boolean readOnly, UUID uuid, int threads) throws IOException {
        this.path = path;
        this.blockSize = blockSize;
        this.grainSize = Math.max(4096, blockSize);
        this.readOnly = readOnly;
        this.uuid = uuid;
        this.channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.blockCount = sizeOf(path, channel) / blockSize;
        this.io = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "file-lun-" + THREAD_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A writable file LUN named by its absolute path, with 4 I/O threads. */
    public static FileBackend open(Path path, int blockSize) throws IOException {
        return new FileBackend(path, blockSize, false, identityOf(path), 4);
    }

    /** The stable identity of a file LUN: derived from its normalized absolute path. */
    public static UUID identityOf(Path path) {
        return UUID.nameUUIDFromBytes(path.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public int grainSize() {
        return grainSize;
    }

    @Override
    public Provisioning provisioning() {
        return Provisioning.FULL;
    }

    @Override
    public boolean supportsUnmap() {
        return false;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public UUID uuid() {
        return uuid;
    }

    /** Re-reads the size (after the file or device grew) and reports a change to the listeners. */
    public void refreshCapacity() throws IOException {
        long blocks = sizeOf(path, channel) / blockSize;
        if (blocks != blockCount) {
            blockCount = blocks;
            listeners.forEach(Listener::capacityChanged);
        }
    }

    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        return CompletableFuture.supplyAsync(() -> {
            int length = blocks * blockSize;
            ByteBuf buf = IoBuffers.ALLOCATOR.directBuffer(length);
            try {
                ByteBuffer target = buf.nioBuffer(0, length);
                long position = lba * blockSize;
                while (target.hasRemaining()) {
                    if (channel.read(target, position + target.position()) < 0) {
                        // past the end of a file that shrank under us: what is not there reads as zeros
                        while (target.hasRemaining()) {
                            target.put((byte) 0);
                        }
                    }
                }
                return buf.writerIndex(length);
            } catch (IOException | RuntimeException e) {
                buf.release();
                throw new LunFailure(LunFailure.Reason.UNRECOVERED_READ_ERROR, "read at LBA " + lba, e);
            }
        }, io);
    }

    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        if (readOnly) {
            return CompletableFuture.failedFuture(new LunFailure(LunFailure.Reason.WRITE_PROTECTED, lba, "read-only"));
        }
        return CompletableFuture.runAsync(() -> {
            try {
                long position = lba * blockSize;
                for (ByteBuffer source : data.nioBuffers()) {
                    while (source.hasRemaining()) {
                        position += channel.write(source, position);
                    }
                }
                if (fua) {
                    channel.force(false);
                }
            } catch (IOException e) {
                throw new LunFailure(LunFailure.Reason.WRITE_ERROR, "write at LBA " + lba, e);
            }
        }, io);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.runAsync(() -> {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new LunFailure(LunFailure.Reason.WRITE_ERROR, "flush", e);
            }
        }, io);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("file LUNs do not unmap"));
    }

    @Override
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Lets queued operations finish, then closes the file. Blocks: not for an event loop. */
    @Override
    public void close() {
        io.shutdown();
        try {
            if (!io.awaitTermination(30, TimeUnit.SECONDS)) {
                io.shutdownNow();
            }
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A regular file's size, or a block device's from sysfs (FileChannel reports 0 for devices). */
    private static long sizeOf(Path path, FileChannel channel) throws IOException {
        if (Files.isRegularFile(path)) {
            return channel.size();
        }
        Path device = path.toRealPath();
        Path sectors = Path.of("/sys/class/block", device.getFileName().toString(), "size");
        return Long.parseLong(Files.readString(sectors).trim()) * 512;
    }
}
