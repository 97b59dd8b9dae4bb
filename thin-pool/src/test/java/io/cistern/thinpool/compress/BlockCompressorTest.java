package io.cistern.thinpool.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlockCompressorTest {
    static final int BLOCK = 4096;
    static final Compression[] SETTINGS = {Compression.LZ4, Compression.ZSTD, Compression.parse("zstd-1"),
        Compression.parse("zstd-19")};

    /** Text-like bytes: compress well but not trivially. */
    static ByteBuffer text(long seed, int bytes, boolean direct) {
        Random r = new Random(seed);
        String[] words = {"volume ", "snapshot ", "extent ", "the ", "pool ", "block ", "of ", "mapping ", "\n"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < bytes) {
            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(100));
        }
        byte[] b = sb.substring(0, bytes).getBytes(StandardCharsets.US_ASCII);
        return (direct ? ByteBuffer.allocateDirect(bytes) : ByteBuffer.allocate(bytes)).put(b).flip();
    }

    static ByteBuffer random(long seed, int bytes) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return ByteBuffer.allocateDirect(bytes).put(b).flip();
    }

    /** Every pairing of heap and direct buffers, a read-only fragment too (zstd-jni takes only matched pairs). */
    @Test
    void compressibleBlocksRoundTripIntoDirectAndHeapBuffers() throws Exception {
        for (Compression c : SETTINGS) {
            for (boolean direct : new boolean[] {true, false}) {
                for (boolean directOut : new boolean[] {true, false}) {
                    ByteBuffer block = text(7, BLOCK, direct);
                    ByteBuffer out = directOut ? ByteBuffer.allocateDirect(BlockCompressor.outputBytes(BLOCK))
                            : ByteBuffer.allocate(BlockCompressor.outputBytes(BLOCK));
                    BlockCompressor.Fragment f = BlockCompressor.compress(c, block, out);
                    assertEquals(c.codec(), f.codec(), c + " compresses text");
                    assertTrue(f.length() <= BLOCK - BLOCK / 8, c + ": " + f.length());
                    assertEquals(0, block.position(), "the block's position does not move");
                    ByteBuffer fragment = out.duplicate().limit(f.length());
                    for (ByteBuffer from : new ByteBuffer[] {fragment, fragment.asReadOnlyBuffer()}) {
                        for (boolean directDst : new boolean[] {true, false}) {
                            ByteBuffer pooled = directDst ? ByteBuffer.allocateDirect(2 * BLOCK) : ByteBuffer.allocate(2 * BLOCK);
                            pooled.position(BLOCK); // a slot inside a larger pooled buffer
                            f.codec().decompress(from, pooled, BLOCK);
                            assertEquals(block, pooled.duplicate().limit(2 * BLOCK),
                                    c + " direct=" + direct + "/" + directOut + "/" + directDst + " read-only=" + from.isReadOnly());
                        }
                    }
                }
            }
        }
    }

    @Test
    void aBlockThatDoesNotShrinkByAnEighthIsStoredRaw() {
        ByteBuffer out = ByteBuffer.allocateDirect(BlockCompressor.outputBytes(BLOCK));
        for (Compression c : SETTINGS) {
            assertTrue(BlockCompressor.compress(c, random(1, BLOCK), out).raw(), c + ": random data");
        }
        // Half random, half text: lands on either side of the 1/8 line depending on the mix.
        int raw = 0;
        int compressed = 0;
        for (int randomBytes = 0; randomBytes <= BLOCK; randomBytes += 128) {
            ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
            block.put(random(randomBytes, randomBytes)).put(text(3, BLOCK - randomBytes, true)).flip();
            int len = Codec.LZ4.compress(block, out, 0);
            BlockCompressor.Fragment f = BlockCompressor.compress(Compression.LZ4, block, out);
            if (len <= BLOCK - BLOCK / 8) {
                assertEquals(new BlockCompressor.Fragment(Codec.LZ4, len), f);
                compressed++;
            } else {
                assertEquals(new BlockCompressor.Fragment(Codec.RAW, BLOCK), f);
                raw++;
            }
        }
        assertTrue(raw > 0 && compressed > 0, raw + " raw, " + compressed + " compressed");
        assertTrue(BlockCompressor.compress(Compression.OFF, text(1, BLOCK, true), out).raw(), "off stores raw");
    }

    @Test
    void aDamagedFragmentIsAnErrorNotWrongData() throws Exception {
        for (Compression c : SETTINGS) {
            ByteBuffer out = ByteBuffer.allocate(BlockCompressor.outputBytes(BLOCK));
            BlockCompressor.Fragment f = BlockCompressor.compress(c, text(9, BLOCK, false), out);
            ByteBuffer truncated = out.duplicate().limit(f.length() / 2);
            assertThrows(CorruptFragmentException.class,
                    () -> f.codec().decompress(truncated, ByteBuffer.allocateDirect(BLOCK), BLOCK), c.toString());
        }
        ByteBuffer small = ByteBuffer.allocate(100);
        assertThrows(IllegalArgumentException.class, () -> Codec.LZ4.compress(text(1, BLOCK, false), small, 0));
    }

    @Test
    void workerThreadsCompressAndDecompressAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int t = 0; t < 8; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    ByteBuffer out = ByteBuffer.allocateDirect(BlockCompressor.outputBytes(BLOCK));
                    ByteBuffer back = ByteBuffer.allocateDirect(BLOCK);
                    int i = 0;
                    for (; i < 2000 && System.nanoTime() < deadline; i++) {
                        Compression c = SETTINGS[(seed + i) % 3];
                        ByteBuffer block = text(seed * 100_000L + i, BLOCK, true);
                        BlockCompressor.Fragment f = BlockCompressor.compress(c, block, out);
                        f.codec().decompress(out.duplicate().limit(f.length()), back.clear(), BLOCK);
                        if (!back.equals(block)) {
                            throw new AssertionError("round trip " + seed + "/" + i);
                        }
                    }
                    return i;
                }));
            }
            for (Future<Integer> f : done) {
                assertTrue(f.get() > 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
