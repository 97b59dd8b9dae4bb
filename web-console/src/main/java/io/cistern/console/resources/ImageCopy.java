package io.cistern.console.resources;

import io.cistern.console.http.ApiException;
import io.cistern.thinpool.device.FileDevice;
import io.cistern.thinpool.pool.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleConsumer;

/**
 * A raw disk image (a regular file or block device on the appliance host) copied into a new volume
 * through the pool's ordinary write path, as an initiator's writes would be: in chunks of
 * {@link #CHUNK} bytes, {@link #IN_FLIGHT} at a time so the pool's pipeline stays busy while memory
 * stays bounded. Chunks of zeros are skipped: the new volume already reads zeros there, and writing
 * them would allocate nothing anyway.
 */
final class ImageCopy {
    static final int CHUNK = 1 << 20;
    static final int IN_FLIGHT = 4;
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private ImageCopy() {
    }

    /** Opens {@code path} read-only: 400 unless it is an absolute path to a readable, non-empty file or block device. */
    static FileDevice open(String path) {
        Path p = Path.of(path);
        if (!p.isAbsolute()) {
            throw ApiException.badRequest("image '" + path + "' must be an absolute path on the appliance");
        }
        if (!Files.exists(p)) {
            throw ApiException.badRequest("image '" + path + "' does not exist");
        }
        if (!Files.isRegularFile(p) && !blockDevice(p)) {
            throw ApiException.badRequest("image '" + path + "' is not a regular file or block device");
        }
        FileDevice image;
        try {
            image = FileDevice.openReadOnly(p);
        } catch (IOException e) {
            throw ApiException.badRequest("image '" + path + "' cannot be read: " + e.getMessage());
        }
        if (image.size() == 0) {
            closeQuietly(image);
            throw ApiException.badRequest("image '" + path + "' is empty");
        }
        return image;
    }

    /** The size of a volume holding {@code image}: its size rounded up to whole blocks. */
    static long volsize(FileDevice image, int volblocksize) {
        return (image.size() + volblocksize - 1) / volblocksize * volblocksize;
    }

    /**
     * Copies all of {@code image} to the start of {@code volume} (as large as {@link #volsize}), its
     * tail up to the block end as zeros, then flushes; {@code progress} is told the share done as chunks
     * complete. Blocks the calling thread (reads of the image); the first failure ends the copy.
     */
    static void copy(FileDevice image, Volume volume, DoubleConsumer progress) throws IOException {
        long volsize = volume.volsize();
        int chunk = Math.max(CHUNK / volume.volblocksize(), 1) * volume.volblocksize();
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        try {
            for (long at = 0; at < volsize && failure.get() == null; at += chunk) {
                int length = (int) Math.min(chunk, volsize - at);
                ByteBuffer data = ByteBuffer.allocate(length);
                data.limit((int) Math.min(length, Math.max(0, image.size() - at)));
                image.read(at, data);
                data.clear(); // the tail past the image's end stays zero
                if (zeros(data)) {
                    progress.accept((double) done.addAndGet(length) / volsize);
                    continue;
                }
                slots.acquire();
                volume.write(at, data, false).whenComplete((v, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e instanceof CompletionException && e.getCause() != null
                                ? e.getCause() : e);
                    } else {
                        progress.accept((double) done.addAndGet(length) / volsize);
                    }
                    slots.release();
                });
            }
            slots.acquire(IN_FLIGHT); // every write ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) {
            throw r;
        } else if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
        volume.flush().join();
    }

    private static boolean zeros(ByteBuffer data) {
        byte[] b = data.array();
        for (int i = 0; i < data.limit(); i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean blockDevice(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT) == S_IFBLK
                    || Files.isSymbolicLink(p) && blockDevice(p.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static void closeQuietly(FileDevice image) {
        try {
            image.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }
}
