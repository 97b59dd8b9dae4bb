package io.cistern.thinpool.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import jnr.ffi.Pointer;
import jnr.ffi.byref.LongLongByReference;

/**
 * A pool device on a regular file (sparse or preallocated) or a whole block device. Data moves
 * through a {@link FileChannel}; a second descriptor from libc serves fallocate and ioctl, which
 * Java does not offer. Hole punching uses fallocate(PUNCH_HOLE|KEEP_SIZE), so freed space goes back
 * to the filesystem below a file-backed pool at once; {@link #back} allocates (fallocate mode 0) the
 * space a write is about to use, so a full file system refuses the allocation rather than the write.
 *
 * <p>A preallocated file keeps every byte: it is allocated whole (at creation, and again at each open
 * as preallocated, which fills any holes), and {@link #punchHole} leaves it so. Nothing else on the
 * file system can then take the pool's space, as with a thick LUN; a sparse file gives freed space
 * back and grows as it is written.
 *
 * <p>Thread-safety: positional reads and writes on a FileChannel are safe concurrently.
 */
public final class FileDevice implements BlockDevice {
    /**
     * Most free space backed beyond what an allocation needs: on ext4 a fallocate call costs about as
     * much for 1 MiB as for 4 KiB (some 15-50 us), so sequential allocations share one.
     */
    private static final long BACK_AHEAD = 1L << 20;
    /** Most iovecs one preadv or pwritev takes (Linux's UIO_MAXIOV), and an iovec's bytes: address, length. */
    private static final int IOV_MAX = 1024;
    private static final int IOVEC = 16;
    /** Per thread: the iovecs of its scattering reads and gathering writes. */
    private static final ThreadLocal<ByteBuffer> IOVECS = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(IOV_MAX * IOVEC).order(ByteOrder.nativeOrder()));
    /**
     * Per thread: where a gathering write's heap parts are copied before they go to the kernel. A
     * heap buffer goes through a direct one anyway (the JDK copies it into a temporary one), so
     * this costs no copy more, and this buffer is never allocated, zeroed or copied again.
     */
    private static final int STAGING_BYTES = 1 << 20;
    private static final ThreadLocal<ByteBuffer> STAGING = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(STAGING_BYTES));
    private final Path path;
    private final FileChannel channel;
    private final int fd;
    private final long size;
    private final boolean readOnly;
    /** A preallocated file: never punched. */
    private final boolean keepsSpace;
    private volatile boolean punchSupported = true;
    /** The file system under a regular file; null on a block device (all its space is there). */
    private final FileStore fileSystem;
    /** Ranges allocated since opening and not punched since; null where fallocate is not supported. */
    private volatile RangeSet backed;

    private FileDevice(Path path, boolean readOnly, boolean preallocated) throws IOException {
        this.path = path;
        this.readOnly = readOnly;
        this.channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        int descriptor = LibC.get().open(path.toString(), readOnly ? LibC.O_RDONLY : LibC.O_RDWR);
        if (descriptor < 0) {
            channel.close();
            throw new IOException("open " + path + ": " + LibC.get().strerror(LibC.errno()));
        }
        this.fd = descriptor;
        try {
            boolean regular = Files.isRegularFile(path);
            this.size = regular ? channel.size() : blockDeviceSize();
            this.fileSystem = regular && !readOnly ? Files.getFileStore(path) : null;
            this.backed = fileSystem != null ? new RangeSet() : null;
            this.keepsSpace = preallocated && fileSystem != null;
            if (keepsSpace) {
                preallocate();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Allocates the whole file (fallocate mode 0: data already there is left as it is). */
    private void preallocate() throws IOException {
        int errno = fallocate(0, size);
        if (errno != 0) {
            throw new IOException("preallocate " + size + " bytes for " + path + ": " + LibC.get().strerror(errno)
                    + (errno == LibC.ENOSPC ? " (" + fileSystem.getUsableSpace() + " bytes free on its file system)" : ""));
        }
        backed.add(0, size);
    }

    /** Creates a new file of {@code size} bytes: sparse, or preallocated (see the class comment). */
    public static FileDevice create(Path path, long size, boolean preallocate) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("device size must be positive: " + size);
        }
        Files.createFile(path);
        try {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(1), size - 1); // the size: sparse, all hole but this byte
            }
            return new FileDevice(path, false, preallocate);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** Opens an existing file or block device for reading and writing; a file as a sparse one. */
    public static FileDevice open(Path path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens an existing file or block device for reading and writing; a file as preallocated (filling
     * its holes now, or failing if its file system has no room for them) or as sparse.
     */
    public static FileDevice open(Path path, boolean preallocate) throws IOException {
        return new FileDevice(path, false, preallocate);
    }

    /** Opens an existing file or block device read-only, e.g. an external base image. */
    public static FileDevice openReadOnly(Path path) throws IOException {
        return new FileDevice(path, true, false);
    }

    private long blockDeviceSize() throws IOException {
        LongLongByReference result = new LongLongByReference();
        if (LibC.get().ioctl(fd, LibC.BLKGETSIZE64, result) != 0) {
            throw new IOException("BLKGETSIZE64 " + path + ": " + LibC.get().strerror(LibC.errno()));
        }
        return result.longValue();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean sharesSpace() {
        return fileSystem != null && !keepsSpace;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long at = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new IOException("read past the end of " + path + " at " + at);
            }
            at += n;
        }
    }

    /** A scattering read with one preadv call (more if the kernel reads short) when every part is direct. */
    @Override
    public void read(long offset, ByteBuffer[] parts) throws IOException {
        if (parts.length > IOV_MAX || !allDirect(parts)) {
            BlockDevice.super.read(offset, parts);
            return;
        }
        ByteBuffer iov = IOVECS.get();
        jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getRuntime(LibC.get());
        for (int i = 0; i < parts.length; i++) {
            iov.putLong(i * IOVEC, Pointer.wrap(runtime, parts[i]).address()).putLong(i * IOVEC + 8, parts[i].remaining());
        }
        vectored(LibC.get()::preadv, "read", at -> "read past the end of " + path + " at " + at, iov, parts.length, offset);
        for (ByteBuffer part : parts) {
            part.position(part.limit());
        }
    }

    private static boolean allDirect(ByteBuffer[] parts) {
        for (ByteBuffer part : parts) {
            if (!part.isDirect()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new IOException(path + " is read-only");
        }
        long at = offset;
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
    }

    /**
     * A gathering write with one pwritev per {@link #IOV_MAX} parts or staging buffer of heap parts:
     * direct parts (an iSCSI write's data as it was received) go to the kernel where they are, heap
     * parts (copied or compressed blocks) are copied into this thread's staging buffer first.
     */
    @Override
    public void write(long offset, ByteBuffer[] parts) throws IOException {
        if (parts.length == 1) {
            write(offset, parts[0]);
            return;
        }
        if (readOnly) {
            throw new IOException(path + " is read-only");
        }
        jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getRuntime(LibC.get());
        ByteBuffer iov = IOVECS.get();
        ByteBuffer staging = STAGING.get().clear();
        long staged = Pointer.wrap(runtime, staging).address();
        long at = offset;
        int count = 0;
        for (ByteBuffer part : parts) {
            while (part.hasRemaining()) {
                if (count == IOV_MAX || !part.isDirect() && !staging.hasRemaining()) {
                    at += pwritev(iov, count, at);
                    count = 0;
                    staging.clear();
                }
                int n = part.isDirect() ? part.remaining() : Math.min(part.remaining(), staging.remaining());
                long address;
                if (part.isDirect()) {
                    address = Pointer.wrap(runtime, part).address();
                } else {
                    address = staged + staging.position();
                    staging.put(staging.position(), part, part.position(), n).position(staging.position() + n);
                }
                if (count > 0 && iov.getLong((count - 1) * IOVEC) + iov.getLong((count - 1) * IOVEC + 8) == address) {
                    iov.putLong((count - 1) * IOVEC + 8, iov.getLong((count - 1) * IOVEC + 8) + n); // adjoins the last
                } else {
                    iov.putLong(count * IOVEC, address).putLong(count * IOVEC + 8, n);
                    count++;
                }
                part.position(part.position() + n);
            }
        }
        if (count > 0) {
            pwritev(iov, count, at);
        }
    }

    /** preadv or pwritev. */
    @FunctionalInterface
    private interface VectoredCall {
        long call(int fd, Pointer iov, int iovcnt, long offset);
    }

    /**
     * Moves all {@code count} iovecs of {@code iov} at {@code offset} with {@code call}, again from
     * where the kernel stopped if it moved fewer bytes; returns the bytes moved. A call that moves
     * nothing fails with {@code none}'s message for the offset it was at.
     */
    private long vectored(VectoredCall call, String verb, LongFunction<String> none, ByteBuffer iov, int count,
            long offset) throws IOException {
        jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getRuntime(LibC.get());
        long iovAt = Pointer.wrap(runtime, iov).address();
        long at = offset;
        int first = 0; // the first iovec not yet done; moved past what a short call did
        while (first < count) {
            long n = call.call(fd, Pointer.wrap(runtime, iovAt + (long) first * IOVEC), count - first, at);
            if (n <= 0) {
                int errno = LibC.errno();
                if (n < 0 && errno == LibC.EINTR) {
                    continue;
                }
                throw new IOException(n == 0 ? none.apply(at) : verb + " " + path + " at " + at + ": " + LibC.get().strerror(errno));
            }
            at += n;
            for (; first < count && n > 0; first++) {
                long len = iov.getLong(first * IOVEC + 8);
                if (n < len) {
                    iov.putLong(first * IOVEC, iov.getLong(first * IOVEC) + n).putLong(first * IOVEC + 8, len - n);
                    break;
                }
                n -= len;
            }
        }
        return at - offset;
    }

    private long pwritev(ByteBuffer iov, int count, long offset) throws IOException {
        return vectored(LibC.get()::pwritev, "write", at -> "write " + path + " at " + at + ": nothing written", iov,
                count, offset);
    }

    @Override
    public void sync() throws IOException {
        if (!readOnly) {
            channel.force(false);
        }
    }

    @Override
    public boolean back(long offset, long length, LongSupplier freeAfter, long headroom) throws IOException {
        RangeSet known = backed;
        if (fileSystem == null || known != null && known.covers(offset, length)) {
            return true;
        }
        long ahead = Math.min(freeAfter.getAsLong(), BACK_AHEAD);
        return ahead > 0 && allocate(known, offset, length + ahead, headroom) || allocate(known, offset, length, headroom);
    }

    /** fallocate, unless that would leave less than {@code headroom} free; false if there is no room. */
    private boolean allocate(RangeSet known, long offset, long length, long headroom) throws IOException {
        if (fileSystem.getUsableSpace() - length < headroom) { // statvfs: f_bavail * f_frsize
            return false;
        }
        if (known == null) {
            return true; // no fallocate here (some network file systems): the headroom is all we can keep
        }
        int errno = fallocate(offset, length);
        if (errno == 0) {
            known.add(offset, length);
            return true;
        }
        if (errno == LibC.ENOSPC || errno == LibC.EDQUOT) {
            return false; // what fallocate did allocate stays, and is used by the next attempt
        }
        if (errno == LibC.EOPNOTSUPP) {
            backed = null;
            return true;
        }
        throw new IOException("allocate " + offset + "+" + length + " in " + path + ": " + LibC.get().strerror(errno));
    }

    /** fallocate mode 0 (allocate, keep what is there), retried when interrupted: 0, or the errno. */
    private int fallocate(long offset, long length) {
        int errno;
        do {
            errno = LibC.get().fallocate(fd, 0, offset, length) == 0 ? 0 : LibC.errno();
        } while (errno == LibC.EINTR);
        return errno;
    }

    @Override
    public boolean punchHole(long offset, long length) throws IOException {
        if (readOnly || !punchSupported || keepsSpace) {
            return false;
        }
        int mode = LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE;
        RangeSet known = backed;
        if (known != null) {
            known.remove(offset, length); // before the punch: a failed punch may have punched part
        }
        if (LibC.get().fallocate(fd, mode, offset, length) == 0) {
            return true;
        }
        int errno = LibC.errno();
        if (errno == LibC.EOPNOTSUPP || errno == 22 /* EINVAL: e.g. a block device without discard */) {
            punchSupported = false;
            return false;
        }
        throw new IOException("punch hole " + path + ": " + LibC.get().strerror(errno));
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            LibC.get().close(fd);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
