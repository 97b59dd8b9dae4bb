package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class PoolIoTest {

    @Test
    void unwrittenBlocksReadAsZerosAndWrittenBlocksReadBack() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
            assertArrayEquals(new byte[8192], bytes(v.read(4096, 8192).join()));
            ByteBuffer data = random(1, 3 * 4096);
            v.write(4096, data, false).join();
            assertArrayEquals(bytes(data), bytes(v.read(4096, 3 * 4096).join()));
            assertArrayEquals(new byte[4096], bytes(v.read(0, 4096).join()));
            assertEquals(3 * 4096, v.properties().referenced());
        }
    }

    @Test
    void subBlockWritesReadModifyWrite() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(MiB).withVolblocksize(16384));
            ByteBuffer whole = random(2, 32768);
            v.write(0, whole, false).join();
            ByteBuffer patch = random(3, 1000);
            v.write(16000, patch, false).join();
            byte[] expected = bytes(whole);
            System.arraycopy(bytes(patch), 0, expected, 16000, 1000);
            assertArrayEquals(expected, bytes(v.read(0, 32768).join()));
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, 15999, 17001), bytes(v.read(15999, 1002).join()));
            assertEquals(32768, v.properties().referenced());
        }
    }

    @Test
    void zeroWritesAllocateNothingAndUnmapFreesAtOnce() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
            v.write(0, ByteBuffer.allocate((int) MiB), false).join();
            assertEquals(0, v.properties().referenced());
            v.write(0, random(4, (int) MiB), false).join();
            assertEquals(MiB, v.properties().used());
            assertTrue(v.status(0).join().mapped());
            v.write(0, ByteBuffer.allocate(4096), false).join(); // zeros over data unmap the block
            assertEquals(MiB - 4096, v.properties().referenced());
            assertEquals(new Volume.Status(0, 4096, false), v.status(0).join());
            v.unmap(4096, MiB - 4096).join();
            assertEquals(0, v.properties().used());
            assertEquals(new Volume.Status(0, 8 * MiB, false), v.status(0).join());
            assertArrayEquals(new byte[8192], bytes(v.read(0, 8192).join()));
            CheckReport check = pool.check();
        assertTrue(check.clean(), check.problems()::toString);
        }
    }

    @Test
    void statusSkipsUnwrittenSpaceOfAHugeSparseVolume() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            long tib = 1L << 40;
            Volume v = pool.createVolume("v", VolumeSpec.sparse(tib));
            v.write(tib - 8192, random(8, 4096), false).join();
            assertEquals(new Volume.Status(0, tib - 8192, false), v.status(0).join());
            assertEquals(new Volume.Status(tib - 8192, 4096, true), v.status(tib - 8000).join());
            assertEquals(new Volume.Status(tib - 4096, 4096, false), v.status(tib - 1).join());
            v.unmap(0, tib).join();
            assertEquals(0, v.properties().used());
        }
    }

    @Test
    void partialUnmapZeroesOnlyItsBytes() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(MiB));
            ByteBuffer data = random(5, 4 * 4096);
            v.write(0, data, false).join();
            v.unmap(2048, 4096 + 2048 + 1024).join();
            byte[] expected = bytes(data);
            java.util.Arrays.fill(expected, 2048, 2048 + 4096 + 2048 + 1024, (byte) 0);
            assertArrayEquals(expected, bytes(v.read(0, 4 * 4096).join()));
            assertEquals(3 * 4096, v.properties().logicalreferenced()); // block 1 became all zeros
            assertTrue(v.properties().referenced() < 3 * 4096); // the half-zeroed blocks compress
        }
    }

    @Test
    void damagedBlockFailsItsReadAndScrubNamesIt() throws Exception {
        MemoryDevice device = new MemoryDevice(64 * MiB);
        try (Pool pool = Pool.create("p", device, new MemoryKeyValueStore(), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(MiB));
            v.write(0, random(6, 8 * 4096), true).join();
            long offset = findOnDevice(device, bytes(v.read(3 * 4096, 4096).join()));
            device.write(offset + 100, ByteBuffer.wrap(new byte[] {42, 43}));
            CompletionException e = assertThrows(CompletionException.class, () -> v.read(0, 8 * 4096).join());
            PoolException pe = assertInstanceOf(PoolException.class, e.getCause());
            assertEquals(PoolException.Kind.CHECKSUM, pe.kind());
            assertEquals(3, pe.block());
            assertEquals(4096, v.read(4 * 4096, 4096).join().remaining()); // other blocks still read
            ScrubReport report = pool.scrub().join();
            assertEquals(8, report.blocks());
            assertEquals(1, report.damaged().size());
            assertEquals(new ScrubReport.Damage("v", 3, true, "checksum mismatch"), report.damaged().get(0));
        }
    }

    @Test
    void aLongRunIsReadAndCheckedInPieces() throws Exception {
        MemoryDevice device = new MemoryDevice(64 * MiB);
        try (Pool pool = Pool.create("p", device, new MemoryKeyValueStore(), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(4 * MiB).withCompression(Compression.parse("off")));
            byte[] data = bytes(random(11, (int) MiB)); // one run of 256 blocks, read in pieces of 32
            v.write(0, ByteBuffer.wrap(data), true).join();
            long[][] ranges = {{0, MiB}, {31 * 4096, 2 * 4096}, {100_000, 300_000}, {128 * 1024 - 1, 128 * 1024 + 2}};
            for (long[] r : ranges) {
                assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])),
                        bytes(v.read(r[0], (int) r[1]).join()), "range " + r[0] + "+" + r[1]);
            }
            byte[] block70 = java.util.Arrays.copyOfRange(data, 70 * 4096, 71 * 4096);
            device.write(findOnDevice(device, block70) + 4000, ByteBuffer.wrap(new byte[] {(byte) ~block70[4000]}));
            CompletionException e = assertThrows(CompletionException.class, () -> v.read(0, (int) MiB).join());
            PoolException pe = assertInstanceOf(PoolException.class, e.getCause());
            assertEquals(PoolException.Kind.CHECKSUM, pe.kind());
            assertEquals(70, pe.block());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 71 * 4096, (int) MiB),
                    bytes(v.read(71 * 4096, (int) MiB - 71 * 4096).join()));
        }
    }

    @Test
    void compressedRunsReadIntoDirectBuffersAndADamagedFragmentFailsItsBlock() throws Exception {
        MemoryDevice device = new MemoryDevice(64 * MiB);
        try (Pool pool = Pool.create("p", device, new MemoryKeyValueStore(), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(MiB)); // lz4: fragments packed back to back
            byte[] data = bytes(CompressionPoolTest.mixed(9, 64));
            v.write(0, ByteBuffer.wrap(data), true).join();
            long[][] ranges = {{0, 64 * 4096}, {3 * 4096 + 512, 10 * 4096 - 1024}, {63 * 4096, 4096}};
            for (long[] r : ranges) {
                ByteBuffer direct = ByteBuffer.allocateDirect((int) r[1]);
                v.read(r[0], direct).join();
                assertEquals(0, direct.position());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])), bytes(direct),
                        "range " + r[0] + "+" + r[1]);
            }
            // Block 8 compresses; its random first quarter goes into the fragment as LZ4 literals.
            byte[] marker = java.util.Arrays.copyOfRange(data, 8 * 4096 + 100, 8 * 4096 + 116);
            device.write(findBytes(device, marker), ByteBuffer.wrap(new byte[] {(byte) ~marker[0]}));
            CompletionException e = assertThrows(CompletionException.class,
                    () -> v.read(0, ByteBuffer.allocateDirect(64 * 4096)).join());
            PoolException pe = assertInstanceOf(PoolException.class, e.getCause());
            assertEquals(PoolException.Kind.CHECKSUM, pe.kind());
            assertEquals(8, pe.block());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 9 * 4096, 64 * 4096), bytes(v.read(9 * 4096, 55 * 4096).join()));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 8 * 4096), bytes(v.read(0, 8 * 4096).join()));
        }
    }

    @Test
    void scrubRunsInSlicesWhileWritesGoOn() throws Exception {
        MemoryDevice device = new MemoryDevice(64 * MiB);
        try (Pool pool = Pool.create("p", device, new MemoryKeyValueStore(), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(32 * MiB));
            v.write(0, random(9, 5000 * 4096), true).join();
            byte[] last = bytes(v.read(4999L * 4096, 4096).join());
            long offset = findOnDevice(device, last);
            device.write(offset, ByteBuffer.wrap(new byte[] {(byte) ~last[0]}));
            java.util.concurrent.CompletableFuture<ScrubReport> scrub = pool.scrub();
            for (int i = 0; i < 50; i++) { // interleaved with the slices
                v.write((6000L + i) * 4096, random(10 + i, 4096), false).join();
            }
            ScrubReport report = scrub.join();
            assertTrue(report.blocks() >= 5000, report.blocks() + " blocks");
            assertEquals(java.util.List.of(new ScrubReport.Damage("v", 4999, true, "checksum mismatch")), report.damaged());
        }
    }

    @Test
    void outOfRangeAndReadOnlyAreRefused() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(MiB));
            assertKind(PoolException.Kind.INVALID_ARGUMENT, () -> v.write(MiB - 512, random(7, 1024), false).join());
            pool.setReadonly("v", true);
            assertTrue(v.readOnly());
            assertKind(PoolException.Kind.READ_ONLY, () -> v.write(0, random(7, 512), false).join());
            assertEquals(512, v.read(0, 512).join().remaining()); // reads go on
        }
    }

    static void assertKind(PoolException.Kind kind, Runnable r) {
        RuntimeException e = assertThrows(RuntimeException.class, r::run);
        Throwable t = e instanceof CompletionException ? e.getCause() : e;
        assertEquals(kind, assertInstanceOf(PoolException.class, t).kind(), t.getMessage());
    }

    /** Where {@code marker} first appears on the device, at any byte offset. */
    static long findBytes(MemoryDevice device, byte[] marker) throws Exception {
        ByteBuffer b = ByteBuffer.allocate((int) device.size());
        device.read(0, b);
        byte[] all = b.array();
        outer:
        for (int at = 0; at + marker.length <= all.length; at++) {
            for (int k = 0; k < marker.length; k++) {
                if (all[at + k] != marker[k]) {
                    continue outer;
                }
            }
            return at;
        }
        throw new AssertionError("bytes not found on the device");
    }

    private static long findOnDevice(MemoryDevice device, byte[] block) throws Exception {
        for (long off = 0; off < device.size(); off += 4096) {
            ByteBuffer b = ByteBuffer.allocate(4096);
            device.read(off, b);
            if (java.util.Arrays.equals(b.array(), block)) {
                return off;
            }
        }
        throw new AssertionError("block not found on the device");
    }
}
