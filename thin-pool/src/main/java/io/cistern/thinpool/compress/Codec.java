package io.cistern.thinpool.compress;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * How a stored fragment is encoded; {@link #id} is what a mapping records on disk, so ids never
 * change. Buffers are read from {@code position()} to {@code limit()} and written from
 * {@code position()}; no call moves a position. Heap and direct buffers both work; a direct
 * source with a direct destination (the read path's case) goes from one to the other with no copy.
 *
 * <p>Thread-safety: every method may be called from any number of threads at once (lz4's
 * compressor and decompressor are stateless; zstd's contexts are one per thread).
 */
public enum Codec {
    RAW(0),
    LZ4(1),
    ZSTD(2);

    private static final LZ4Compressor LZ4_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final ThreadLocal<ZstdCompressCtx> ZSTD_C = ThreadLocal.withInitial(ZstdCompressCtx::new);
    private static final ThreadLocal<ZstdDecompressCtx> ZSTD_D = ThreadLocal.withInitial(ZstdDecompressCtx::new);
    private static final ThreadLocal<ByteBuffer> SCRATCH_IN = new ThreadLocal<>();
    private static final ThreadLocal<ByteBuffer> SCRATCH_OUT = new ThreadLocal<>();

    /** The on-disk id. */
    public final int id;

    Codec(int id) {
        this.id = id;
    }

    public static Codec ofId(int id) {
        for (Codec c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown codec id " + id);
    }

    /** The most bytes {@link #compress} may write for {@code srcBytes} of input. */
    public int bound(int srcBytes) {
        return switch (this) {
            case RAW -> srcBytes;
            case LZ4 -> LZ4_COMPRESSOR.maxCompressedLength(srcBytes);
            case ZSTD -> (int) Zstd.compressBound(srcBytes);
        };
    }

    /**
     * Compresses {@code src} into {@code dst} ({@code level} is zstd's; lz4 ignores it).
     *
     * @return bytes written
     * @throws IllegalArgumentException if {@code dst} has less room than {@link #bound}
     */
    public int compress(ByteBuffer src, ByteBuffer dst, int level) {
        int n = src.remaining();
        if (dst.remaining() < bound(n)) {
            throw new IllegalArgumentException(dst.remaining() + " bytes of room for " + this + ", need " + bound(n));
        }
        switch (this) {
            case RAW:
                dst.duplicate().put(src.duplicate());
                return n;
            case LZ4:
                return LZ4_COMPRESSOR.compress(src, src.position(), n, dst, dst.position(), dst.remaining());
            default:
                ZstdCompressCtx ctx = ZSTD_C.get().setLevel(level);
                if (src.isDirect() && dst.isDirect()) {
                    return ctx.compressDirectByteBuffer(dst, dst.position(), dst.remaining(), src, src.position(), n);
                }
                if (src.hasArray() && dst.hasArray()) {
                    return ctx.compressByteArray(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining(),
                            src.array(), src.arrayOffset() + src.position(), n);
                }
                // A mixed pair (a PDU's direct memory into a heap fragment): zstd-jni takes two arrays
                // or two direct buffers, so the heap side goes through this thread's direct scratch.
                ByteBuffer s = direct(src);
                ByteBuffer d = dst.isDirect() ? dst : scratch(SCRATCH_OUT, dst.remaining());
                int len = ctx.compressDirectByteBuffer(d, d.position(), d.remaining(), s, s.position(), n);
                if (d != dst) {
                    dst.duplicate().put(d.limit(len));
                }
                return len;
        }
    }

    /**
     * Decompresses the fragment {@code src} into {@code dst}, which must have room for exactly
     * {@code rawBytes} (a block).
     *
     * @throws CorruptFragmentException if the fragment does not decode to exactly {@code rawBytes}
     */
    public void decompress(ByteBuffer src, ByteBuffer dst, int rawBytes) throws CorruptFragmentException {
        if (dst.remaining() < rawBytes) {
            throw new IllegalArgumentException(dst.remaining() + " bytes of room for a " + rawBytes + "-byte block");
        }
        int got;
        try {
            got = switch (this) {
                case RAW -> {
                    int n = Math.min(src.remaining(), rawBytes);
                    dst.duplicate().put(src.duplicate().limit(src.position() + n));
                    yield src.remaining();
                }
                case LZ4 -> LZ4_DECOMPRESSOR.decompress(src, src.position(), src.remaining(), dst, dst.position(), rawBytes);
                case ZSTD -> zstdDecompress(src, dst, rawBytes);
            };
        } catch (LZ4Exception | ZstdException e) {
            throw new CorruptFragmentException(this + " fragment of " + src.remaining() + " bytes does not decode: " + e.getMessage());
        }
        if (got != rawBytes) {
            throw new CorruptFragmentException(this + " fragment of " + src.remaining() + " bytes decodes to " + got
                    + " bytes, expected " + rawBytes);
        }
    }

    private static int zstdDecompress(ByteBuffer src, ByteBuffer dst, int rawBytes) {
        ZstdDecompressCtx ctx = ZSTD_D.get();
        int n = src.remaining();
        if (src.isDirect() && dst.isDirect()) {
            return ctx.decompressDirectByteBuffer(dst, dst.position(), rawBytes, src, src.position(), n);
        }
        if (src.hasArray() && dst.isDirect()) {
            return ctx.decompressByteArrayToDirectByteBuffer(dst, dst.position(), rawBytes,
                    src.array(), src.arrayOffset() + src.position(), n);
        }
        if (src.isDirect() && dst.hasArray()) {
            return ctx.decompressDirectByteBufferToByteArray(dst.array(), dst.arrayOffset() + dst.position(), rawBytes,
                    src, src.position(), n);
        }
        if (src.hasArray() && dst.hasArray()) {
            return ctx.decompressByteArray(dst.array(), dst.arrayOffset() + dst.position(), rawBytes,
                    src.array(), src.arrayOffset() + src.position(), n);
        }
        ByteBuffer s = direct(src); // read-only heap buffers: no array to hand over
        ByteBuffer d = scratch(SCRATCH_OUT, rawBytes);
        int got = ctx.decompressDirectByteBuffer(d, 0, rawBytes, s, s.position(), n);
        dst.duplicate().put(d.limit(Math.max(0, Math.min(got, rawBytes))));
        return got;
    }

    /** {@code b} itself if direct, else its bytes in this thread's direct input scratch (from 0). */
    private static ByteBuffer direct(ByteBuffer b) {
        return b.isDirect() ? b : scratch(SCRATCH_IN, b.remaining()).put(0, b, b.position(), b.remaining());
    }

    /** This thread's direct buffer of {@code slot}, with {@code bytes} from 0 to its limit (grown if need be). */
    private static ByteBuffer scratch(ThreadLocal<ByteBuffer> slot, int bytes) {
        ByteBuffer b = slot.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(bytes);
            slot.set(b);
        }
        return b.clear().limit(bytes);
    }
}
