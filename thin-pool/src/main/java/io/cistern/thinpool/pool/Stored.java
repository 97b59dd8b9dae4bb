package io.cistern.thinpool.pool;

import io.cistern.thinpool.compress.BlockCompressor;
import io.cistern.thinpool.compress.Codec;
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.csum.Crc32c;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * One block as it is to be stored: its bytes (the block itself, or its compressed fragment), their
 * CRC32C, the codec, and the dedup hash of the block if its volume dedups. Made on the caller's
 * thread, so the metadata thread only does bookkeeping.
 *
 * @param block the block as written (volblocksize bytes)
 * @param bytes position to limit: what goes to the device
 * @param compression the setting it was made with (the metadata thread redoes it if the volume's
 *        changed meanwhile)
 * @param hash the block's dedup hash, or null if it was made for a volume with dedup off
 * @param span where {@code block} lies in the caller's buffer, or null if it is a copy of its own
 */
record Stored(ByteBuffer block, ByteBuffer bytes, int crc, Codec codec, Compression compression, byte[] hash,
        Span span) {

    /**
     * A block's place in the buffer it was written in: blocks stored next to each other on the
     * device that also lie next to each other there go to the device in one write, straight from it.
     */
    record Span(ByteBuffer whole, int at) {
    }

    /** {@code block} stored with {@code setting}, hashed with {@code hasher} unless null; null if all zeros. */
    static Stored of(ByteBuffer block, Compression setting, Function<ByteBuffer, byte[]> hasher, Span span) {
        Stored s = of(block, setting, span);
        return s == null || hasher == null ? s : s.hashed(hasher);
    }

    /** {@code block} (volblocksize bytes, a copy) stored with {@code setting}; null if it is all zeros (a hole). */
    static Stored of(ByteBuffer block, Compression setting) {
        return of(block, setting, null);
    }

    /** {@code block} (volblocksize bytes) stored with {@code setting}; null if it is all zeros (a hole). */
    static Stored of(ByteBuffer block, Compression setting, Span span) {
        if (setting.off()) { // the checksum is of the block itself: only a block with a zero block's checksum may be zeros
            int crc = Crc32c.of(block);
            return crc == BlockMap.zeroCrc(block.remaining()) && BlockMap.isZero(block) ? null
                    : new Stored(block, block, crc, Codec.RAW, setting, null, span);
        }
        if (BlockMap.isZero(block)) {
            return null;
        }
        ByteBuffer bytes = block;
        Codec codec = Codec.RAW;
        ByteBuffer out = ByteBuffer.allocate(BlockCompressor.outputBytes(block.remaining()));
        BlockCompressor.Fragment f = BlockCompressor.compress(setting, block, out);
        if (!f.raw()) {
            bytes = out.limit(f.length());
            codec = f.codec();
        }
        return new Stored(block, bytes, Crc32c.of(bytes), codec, setting, null, span);
    }

    /** This block with its dedup hash. */
    Stored hashed(Function<ByteBuffer, byte[]> hasher) {
        return new Stored(block, bytes, crc, codec, compression, hasher.apply(block), span);
    }

    int length() {
        return bytes.remaining();
    }

    boolean packed() {
        return codec != Codec.RAW;
    }
}
