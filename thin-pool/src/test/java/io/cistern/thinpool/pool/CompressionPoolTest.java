package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.compress.Compression;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Compressed blocks through the pool: round trips, switching the setting, snapshots, reopen, accounting. */
class CompressionPoolTest {
    private static final int BS = 4096;
    private static final List<String> SETTINGS = List.of("off", "lz4", "zstd", "zstd-19", "zstd-1");

    @TempDir
    Path dir;

    /** Blocks that compress to about a third: a quarter random, the rest text; some blocks random, some zero. */
    static ByteBuffer mixed(long seed, int blocks) {
        Random r = new Random(seed);
        byte[] text = ("block " + seed + " of a file system full of text that compresses well; ").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[blocks * BS];
        for (int i = 0; i < blocks; i++) {
            int kind = i % 7;
            if (kind == 5) {
                continue; // zeros
            }
            int randomBytes = kind == 3 ? BS : BS / 4; // kind 3 does not compress: stored raw
            byte[] noise = new byte[randomBytes];
            r.nextBytes(noise);
            System.arraycopy(noise, 0, b, i * BS, randomBytes);
            for (int k = randomBytes; k < BS; k++) {
                b[i * BS + k] = text[(k + i) % text.length];
            }
        }
        return ByteBuffer.wrap(b);
    }

    /**
     * A write in several buffers, as an iSCSI command's data segments arrive: heap and direct, cut
     * inside blocks and on their edges, one empty, starting mid-block. Every setting reads it back,
     * in memory and from a file, where the cut blocks and the buffers' own go in one gathering write.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aWriteInSeveralHeapAndDirectBuffersReadsBackWhereverTheyAreCut(boolean onFile) throws Exception {
        try (Pool pool = onFile ? Pool.createOnFile(dir.resolve("cut.img"), 64 * MiB, false, dir.resolve("cut-meta"),
                PoolConfig.defaults()) : TestPools.memory(64 * MiB)) {
            for (String setting : SETTINGS) {
                Volume v = pool.createVolume("v-" + setting, VolumeSpec.sparse(MiB).withCompression(Compression.parse(setting)));
                byte[] data = bytes(mixed(7, 40));
                int offset = 512;
                int[] cuts = {0, 3000, 3000, 3 * BS - offset, 10 * BS - offset, 10 * BS + 100, 30 * BS, data.length - 512};
                ByteBuffer[] parts = new ByteBuffer[cuts.length];
                for (int i = 0; i < cuts.length; i++) {
                    int from = cuts[i];
                    int to = i + 1 < cuts.length ? cuts[i + 1] : data.length - 512;
                    parts[i] = i % 2 == 0 ? ByteBuffer.allocateDirect(to - from) : ByteBuffer.allocate(to - from);
                    parts[i].put(data, from, to - from).flip();
                }
                v.write(offset, parts, false).join();
                byte[] expected = new byte[(int) MiB];
                System.arraycopy(data, 0, expected, offset, data.length - 512);
                assertArrayEquals(expected, bytes(v.read(0, (int) MiB).join()), setting);
                for (ByteBuffer p : parts) {
                    assertEquals(0, p.position(), "positions do not move");
                }
            }
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    @Test
    void everySettingRoundTripsAndSwitchingMidwayKeepsOlderBlocksReadable() throws Exception {
        Path meta = dir.resolve("meta");
        Path file = dir.resolve("p.img");
        byte[][] expected = new byte[SETTINGS.size()][];
        try (Pool pool = Pool.createOnFile(file, 256 * MiB, false, meta, PoolConfig.defaults())) {
            for (int s = 0; s < SETTINGS.size(); s++) {
                Compression c = Compression.parse(SETTINGS.get(s));
                Volume v = pool.createVolume("v" + s, VolumeSpec.sparse(4 * MiB).withCompression(c));
                ByteBuffer first = mixed(s, 256);
                v.write(0, first, false).join();
                expected[s] = bytes(first);
                assertArrayEquals(expected[s], bytes(v.read(0, 256 * BS).join()), SETTINGS.get(s));
                // switch to the next setting and overwrite every third block, some unaligned
                Compression next = Compression.parse(SETTINGS.get((s + 1) % SETTINGS.size()));
                pool.setCompression("v" + s, next);
                assertEquals(next.toString(), pool.properties("v" + s).compression());
                for (int b = 0; b < 256; b += 3) {
                    int at = b * BS + (b % 2 == 0 ? 0 : 100);
                    int len = Math.min(BS * 2, 256 * BS - at);
                    ByteBuffer patch = mixed(1000 + b, 2).limit(len);
                    v.write(at, patch, b % 5 == 0).join();
                    patch.get(0, expected[s], at, len);
                }
                assertArrayEquals(expected[s], bytes(v.read(0, 256 * BS).join()), SETTINGS.get(s) + " then " + next);
                assertAccounting(pool.properties("v" + s), c.off() ? 1.0 : next.off() ? 1.05 : 1.5);
            }
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems().toString());
        }
        try (Pool pool = Pool.openDevice(file, meta, PoolConfig.defaults())) {
            for (int s = 0; s < SETTINGS.size(); s++) {
                assertArrayEquals(expected[s], bytes(pool.volume("v" + s).read(0, 256 * BS).join()), "reopened " + SETTINGS.get(s));
            }
            assertEquals(Compression.parse(SETTINGS.get(1)).toString(), pool.properties("v0").compression());
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems().toString());
            assertTrue(pool.scrub().join().damaged().isEmpty());
        }
    }

    /** The ZFS relations between the stored and logical figures. */
    private static void assertAccounting(VolumeProperties p, double atLeast) {
        assertEquals(p.usedbydataset() + p.usedbysnapshots(), p.used() - p.usedbyrefreservation());
        assertEquals((double) p.logicalused() / (p.usedbydataset() + p.usedbysnapshots()), p.compressratio(), 1e-9);
        assertEquals((double) p.logicalreferenced() / p.referenced(), p.refcompressratio(), 1e-9);
        assertTrue(p.compressratio() >= atLeast, "compressratio " + p.compressratio() + " below " + atLeast);
    }

    @Test
    void compressedBlocksAreChargedTheirStoredBytes() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume lz4 = pool.createVolume("lz4", VolumeSpec.sparse(MiB));
            Volume off = pool.createVolume("off", VolumeSpec.sparse(MiB).withCompression(Compression.OFF));
            ByteBuffer data = mixed(7, 64);
            lz4.write(0, data, true).join();
            off.write(0, data, true).join();
            VolumeProperties c = pool.properties("lz4");
            VolumeProperties r = pool.properties("off");
            assertEquals(r.logicalused(), c.logicalused());
            assertEquals(r.logicalreferenced(), c.logicalreferenced());
            assertEquals(r.used(), r.logicalused());
            assertTrue(c.used() < r.used() / 2, c.used() + " vs " + r.used());
            assertEquals("lz4", c.compression());
            assertEquals("off", r.compression());
            assertTrue(c.asMap().get("compressratio").endsWith("x"));
            assertEquals("1.00x", r.asMap().get("compressratio"));
            // Unmapping everything returns every packed extent.
            long freeBefore = pool.properties().available();
            lz4.unmap(0, MiB).join();
            pool.flush().join();
            VolumeProperties gone = pool.properties("lz4");
            assertEquals(0, gone.used());
            assertEquals(0, gone.logicalused());
            assertTrue(pool.properties().available() > freeBefore);
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems().toString());
        }
    }

    @Test
    void snapshotsClonesAndRollbackKeepCompressedDataAndFiguresExact() throws Exception {
        try (Pool pool = TestPools.memory(128 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(2 * MiB).withCompression(Compression.ZSTD));
            ByteBuffer a = mixed(1, 128);
            v.write(0, a, false).join();
            VolumeProperties before = pool.properties("v");
            pool.snapshot("v", "s");
            VolumeProperties snap = pool.properties("v@s");
            assertEquals(before.referenced(), snap.referenced());
            assertEquals(before.refcompressratio(), snap.compressratio(), 1e-9);
            pool.setCompression("v", Compression.LZ4);
            ByteBuffer b = mixed(2, 64);
            v.write(32 * BS, b, false).join();
            v.write(200 * BS, random(3, 8 * BS), false).join(); // incompressible: raw
            Volume clone = pool.clone("v@s", "c", true);
            assertEquals("lz4", pool.properties("c").compression()); // a clone inherits its origin's volume's setting
            assertArrayEquals(bytes(a), bytes(clone.read(0, 128 * BS).join()));
            assertTrue(pool.properties("v@s").used() > 0);
            assertTrue(pool.properties("v@s").logicalused() >= pool.properties("v@s").used());
            pool.destroy("c", false);
            pool.rollback("v@s");
            assertArrayEquals(bytes(a), bytes(v.read(0, 128 * BS).join()));
            assertArrayEquals(new byte[8 * BS], bytes(v.read(200 * BS, 8 * BS).join()));
            VolumeProperties after = pool.properties("v");
            assertEquals(before.referenced(), after.referenced());
            assertEquals(before.logicalreferenced(), after.logicalreferenced());
            assertEquals(before.used(), after.used());
            assertEquals(before.logicalused(), after.logicalused());
            assertEquals(before.compressratio(), after.compressratio(), 1e-9);
            pool.destroy("v@s", false);
            assertEquals(before.used(), pool.properties("v").used());
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems().toString());
        }
    }
}
