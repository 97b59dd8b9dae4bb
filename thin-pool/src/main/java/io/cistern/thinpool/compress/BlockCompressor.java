package io.cistern.thinpool.compress;

import java.nio.ByteBuffer;

/**
 * Compresses one block (a volblocksize grain) and decides how to store it: compressed only if that
 * saves at least one-eighth of the block (ZFS's rule: a block that barely shrinks is not worth the
 * decompression on every read), else raw. Compressed fragments are packed at their real size
 * ({@link Packer}), so every byte saved is a byte not allocated.
 *
 * <p>Thread-safety: stateless; call from any number of worker threads.
 */
public final class BlockCompressor {
    private BlockCompressor() {
    }

    /** How a block is to be stored: its codec and the fragment's length in bytes. */
    public record Fragment(Codec codec, int length) {
        public boolean raw() {
            return codec == Codec.RAW;
        }
    }

    /** The room {@link #compress} needs in its output buffer for a block of {@code blockBytes}. */
    public static int outputBytes(int blockBytes) {
        return Math.max(Codec.LZ4.bound(blockBytes), Codec.ZSTD.bound(blockBytes));
    }

    /** The longest fragment worth storing compressed: at least one-eighth of the block saved. */
    public static int maxFragment(int blockBytes) {
        return blockBytes - blockBytes / 8;
    }

    /**
     * Compresses {@code block} (position to limit) with {@code setting} into {@code out} (from its
     * position; room for {@link #outputBytes}). Positions do not move.
     *
     * @return a compressed fragment now in {@code out}, or {@link Codec#RAW} with the block's length
     *         (store {@code block} itself; {@code out} holds nothing useful)
     */
    public static Fragment compress(Compression setting, ByteBuffer block, ByteBuffer out) {
        int n = block.remaining();
        if (setting.off()) {
            return new Fragment(Codec.RAW, n);
        }
        int len = setting.codec().compress(block, out, setting.level());
        return len <= maxFragment(n) ? new Fragment(setting.codec(), len) : new Fragment(Codec.RAW, n);
    }
}
