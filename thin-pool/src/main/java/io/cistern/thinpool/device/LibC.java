package io.cistern.thinpool.device;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.byref.LongLongByReference;

/**
 * The few libc calls Java's file API lacks: fallocate (hole punching, allocation), the
 * BLKGETSIZE64 ioctl (size of a block device), preadv and pwritev (FileChannel scatters and gathers
 * only at its own position, which concurrent readers and writers cannot share). Loaded once, lazily; Linux only.
 */
public interface LibC {
    int O_RDONLY = 0;
    int O_RDWR = 2;
    int FALLOC_FL_KEEP_SIZE = 0x01;
    int FALLOC_FL_PUNCH_HOLE = 0x02;
    int EINTR = 4;
    int ENOSPC = 28;
    int EOPNOTSUPP = 95;
    int EDQUOT = 122;
    /** _IOR(0x12, 114, size_t) on 64-bit Linux. */
    long BLKGETSIZE64 = 0x80081272L;

    int open(String path, int flags);

    int close(int fd);

    int fallocate(int fd, int mode, long offset, long length);

    int ioctl(int fd, long request, LongLongByReference result);

    /** Positional scattering read into {@code iovcnt} iovecs (address, length) at {@code iov}. */
    long preadv(int fd, Pointer iov, int iovcnt, long offset);

    /** Positional gathering write from {@code iovcnt} iovecs (address, length) at {@code iov}. */
    long pwritev(int fd, Pointer iov, int iovcnt, long offset);

    String strerror(int errno);

    /** The loaded library. */
    static LibC get() {
        return Holder.LIBC;
    }

    /** errno of the last failed call on this thread. */
    static int errno() {
        return jnr.ffi.LastError.getLastError(jnr.ffi.Runtime.getRuntime(Holder.LIBC));
    }

    final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

        private Holder() {
        }
    }
}
