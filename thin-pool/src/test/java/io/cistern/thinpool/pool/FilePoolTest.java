package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.PoolIoTest.assertKind;
import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.BlockDevice;
import io.cistern.thinpool.device.FileDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool on a real sparse file with RocksDB metadata: reopen, hole punching, group commit. */
class FilePoolTest {
    @TempDir
    Path dir;

    @Test
    void everythingSurvivesCloseAndReopen() throws Exception {
        Path file = dir.resolve("pool.img");
        ByteBuffer data = random(1, 64 * 4096);
        try (Pool pool = Pool.createOnFile(file, 64 * MiB, false, dir.resolve("meta"), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.reserved(4 * MiB).withVolblocksize(8192));
            v.write(0, data, false).join();
            pool.snapshot("v", "s");
            v.write(0, random(2, 8192), false).join();
            pool.setUserProperty("v", "shareiscsi", "on");
            pool.setUserProperty("v@s", "org.example:kept", "yes");
            pool.setUserProperty("v@s", "org.example:kept", null);
        }
        try (Pool pool = Pool.openDevice(file, dir.resolve("meta"), PoolConfig.defaults())) {
            assertEquals(List.of("v", "v@s"), pool.list());
            assertArrayEquals(bytes(data), bytes(pool.volume("v@s").read(0, 64 * 4096).join()));
            assertArrayEquals(bytes(random(2, 8192)), bytes(pool.volume("v").read(0, 8192).join()));
            VolumeProperties p = pool.properties("v");
            assertEquals(8192, p.volblocksize());
            assertEquals(8192, p.written());
            assertEquals(8192, p.usedbysnapshots());
            assertEquals(java.util.Map.of("shareiscsi", "on"), pool.userProperties("v"));
            assertEquals(java.util.Map.of(), pool.userProperties("v@s"));
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    @Test
    void aStoreIsNeverAppliedToAnotherDevice() throws Exception {
        try (Pool pool = Pool.createOnFile(dir.resolve("a.img"), 16 * MiB, false, dir.resolve("meta-a"), PoolConfig.defaults())) {
            pool.createVolume("v", VolumeSpec.sparse(MiB));
        }
        Pool.createOnFile(dir.resolve("b.img"), 16 * MiB, false, dir.resolve("meta-b"), PoolConfig.defaults()).close();
        assertKind(PoolException.Kind.INVALID_ARGUMENT,
                () -> open(dir.resolve("b.img"), dir.resolve("meta-a")));
    }

    @Test
    void unmapPunchesHolesInTheFile() throws Exception {
        Path file = dir.resolve("pool.img");
        try (Pool pool = Pool.createOnFile(file, 64 * MiB, false, dir.resolve("meta"), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(16 * MiB));
            v.write(0, random(3, (int) (8 * MiB)), true).join();
            long full = allocatedBytes(file);
            assertTrue(full >= 8 * MiB, "file holds " + full);
            v.unmap(0, 8 * MiB).join();
            v.flush().join(); // holes are punched once the unmap is committed
            long after = allocatedBytes(file);
            assertTrue(after < full - 7 * MiB, "file still holds " + after + " of " + full);
        }
    }

    /**
     * Space an overwrite frees stays backed in the file and is reused first, so the file holds its
     * high-water mark instead of punching and allocating again per overwrite; what an unmap frees is
     * punched; backed free space beyond what recent commits allocated is punched too.
     */
    @Test
    void overwritesReuseTheFileSpaceTheyFreeAndUnmapsPunchIt() throws Exception {
        Path file = dir.resolve("pool.img");
        PoolConfig config = PoolConfig.defaults().withCommitIntervalMillis(20); // backed space held 0.6 s
        try (Pool pool = Pool.createOnFile(file, 512 * MiB, false, dir.resolve("meta"), config)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(128 * MiB));
            v.write(0, random(1, (int) (8 * MiB)), true).join();
            long first = allocatedBytes(file);
            v.write(0, random(2, (int) (8 * MiB)), true).join();
            v.flush().join();
            long highWater = allocatedBytes(file);
            assertTrue(highWater >= first + 7 * MiB, "the overwritten 8 MiB were punched: " + first + " -> " + highWater);
            for (int i = 3; i < 8; i++) {
                v.write(0, random(i, (int) (8 * MiB)), true).join();
                v.flush().join();
            }
            long after = allocatedBytes(file);
            assertTrue(after <= highWater + 2 * MiB, "overwrites did not reuse freed space: " + highWater + " -> " + after);
            assertArrayEquals(bytes(random(7, (int) (8 * MiB))), bytes(v.read(0, (int) (8 * MiB)).join()));
            v.unmap(0, 8 * MiB).join();
            v.flush().join();
            assertTrue(allocatedBytes(file) <= after - 7 * MiB, "the unmapped 8 MiB were not punched");

            ByteBuffer big = random(8, (int) (100 * MiB));
            v.write(0, big.duplicate(), true).join();
            v.write(0, random(9, (int) (100 * MiB)), true).join(); // frees 100 MiB, kept backed for now
            v.flush().join();
            v.flush().join();
            long limit = 100 * MiB + Engine.BACKED_FREE_MIN + 8 * MiB;
            assertTrue(allocatedBytes(file) > limit, "backed free space was given back at once: " + allocatedBytes(file));
            Thread.sleep(Engine.BACKED_FREE_HOLD_INTERVALS * config.commitIntervalMillis() + 100);
            for (int i = 0; i < 3; i++) {
                v.flush().join(); // commits that allocate nothing, after the hold: the backed free space shrinks to the floor
            }
            assertTrue(allocatedBytes(file) <= limit, "backed free space was not given back: " + allocatedBytes(file));
        }
    }

    /**
     * Free space kept backed for the next overwrites is punched at close: the next open takes all
     * free space for unwritten, so the file would otherwise keep it until the allocator reached it.
     */
    @Test
    void closeGivesBackTheFreeSpaceKeptBacked() throws Exception {
        Path file = dir.resolve("pool.img");
        Path meta = dir.resolve("meta");
        try (Pool pool = Pool.createOnFile(file, 512 * MiB, false, meta, PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(128 * MiB));
            v.write(0, random(1, (int) (32 * MiB)), true).join();
            v.write(0, random(2, (int) (32 * MiB)), true).join(); // frees 32 MiB, below the backed floor
            v.flush().join();
            v.flush().join();
            assertTrue(allocatedBytes(file) >= 63 * MiB, "the freed 32 MiB were punched before close: "
                    + allocatedBytes(file));
        }
        assertTrue(allocatedBytes(file) <= 34 * MiB, "close kept the freed space: " + allocatedBytes(file));
        try (Pool pool = Pool.openDevice(file, meta, PoolConfig.defaults())) {
            Volume v = pool.volume("v");
            assertArrayEquals(bytes(random(2, (int) (32 * MiB))), bytes(v.read(0, (int) (32 * MiB)).join()));
        }
    }

    /**
     * A crash leaves free space the pool file still holds (here the 32 MiB an overwrite freed, kept
     * backed for the next overwrites): the next open finds the pool was not closed cleanly and gives
     * it back, so the file is near its live size again. A clean close leaves nothing to give back.
     */
    @Test
    void openingAfterACrashGivesBackTheFreeSpaceTheFileHolds() throws Exception {
        Path file = dir.resolve("pool.img");
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        PowerCut device = new PowerCut(FileDevice.create(file, 512 * MiB, false));
        MemoryKeyValueStore crashed;
        try (Pool pool = Pool.create("p", device, store, PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(128 * MiB));
            v.write(0, random(1, (int) (32 * MiB)), true).join();
            v.write(0, random(2, (int) (32 * MiB)), true).join();
            v.flush().join();
            v.flush().join();
            crashed = store.copy(); // the metadata as the crash leaves it
            device.cut = true; // and the file: the close below changes neither
        }
        assertTrue(allocatedBytes(file) >= 63 * MiB, "the file does not hold the freed space: " + allocatedBytes(file));
        try (Pool pool = Pool.open("p", FileDevice.open(file), crashed, PoolConfig.defaults())) {
            assertTrue(allocatedBytes(file) <= 34 * MiB, "the open kept the free space: " + allocatedBytes(file));
            Volume v = pool.volume("v");
            assertArrayEquals(bytes(random(2, (int) (32 * MiB))), bytes(v.read(0, (int) (32 * MiB)).join()));
            v.write(32 * MiB, random(3, (int) MiB), true).join();
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
        PowerCut counted = new PowerCut(FileDevice.open(file));
        try (Pool pool = Pool.open("p", counted, crashed.copy(), PoolConfig.defaults())) { // as the clean close left it
            assertEquals(0, counted.punches, "punches at the open after a clean close");
            assertArrayEquals(bytes(random(3, (int) MiB)), bytes(pool.volume("v").read(32 * MiB, (int) MiB).join()));
        }
    }

    /** A device that counts punches and, once {@code cut}, changes nothing more (the power went). */
    private static final class PowerCut implements BlockDevice {
        private final BlockDevice device;
        volatile boolean cut;
        int punches;

        PowerCut(BlockDevice device) {
            this.device = device;
        }

        @Override
        public long size() {
            return device.size();
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            device.read(offset, dst);
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            if (!cut) {
                device.write(offset, src);
            }
        }

        @Override
        public void sync() throws IOException {
            if (!cut) {
                device.sync();
            }
        }

        @Override
        public boolean sharesSpace() {
            return device.sharesSpace();
        }

        @Override
        public boolean punchHole(long offset, long length) throws IOException {
            punches++;
            return cut || device.punchHole(offset, length);
        }

        @Override
        public boolean back(long offset, long length, LongSupplier freeAfter, long headroom) throws IOException {
            return cut || device.back(offset, length, freeAfter, headroom);
        }

        @Override
        public void close() throws IOException {
            device.close();
        }
    }

    /**
     * Freed space is allocatable only after a commit: a stream of overwrites commits as often as it
     * frees {@link Engine#COMMIT_FREED_BYTES}, not only once an interval, so the file stays near the
     * live size instead of growing by all the interval's writes.
     */
    @Test
    void aStreamOfOverwritesCommitsSoonEnoughToReuseItsSpace() throws Exception {
        Path file = dir.resolve("pool.img");
        PoolConfig config = PoolConfig.defaults().withCommitIntervalMillis(3_600_000);
        try (Pool pool = Pool.createOnFile(file, 1024 * MiB, false, dir.resolve("meta"), config)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(16 * MiB));
            long before = pool.properties().commits();
            for (int round = 0; round < 24; round++) { // 384 MiB written over 16 MiB, no flush asked for
                for (int mib = 0; mib < 16; mib++) {
                    v.write(mib * MiB, random(round * 16 + mib, (int) MiB), false).join();
                }
            }
            long held = allocatedBytes(file);
            assertTrue(held <= 16 * MiB + 3 * Engine.COMMIT_FREED_BYTES, "the file grew to " + held);
            assertTrue(pool.properties().commits() - before >= 4, "commits: " + (pool.properties().commits() - before));
            assertArrayEquals(bytes(random(23 * 16 + 5, (int) MiB)), bytes(v.read(5 * MiB, (int) MiB).join()));
        }
    }

    @Test
    void preallocatedFilesHoldEveryByte() throws Exception {
        Path file = dir.resolve("thick.img");
        try (FileDevice d = FileDevice.create(file, 8 * MiB, true)) {
            assertEquals(8 * MiB, d.size());
        }
        assertTrue(allocatedBytes(file) >= 8 * MiB);
    }

    /** A preallocated pool never gives space back: not what an unmap frees, nor a destroyed volume's, nor at close. */
    @Test
    void aPreallocatedPoolKeepsEveryByteOfItsFile() throws Exception {
        Path file = dir.resolve("thick.img");
        try (Pool pool = Pool.createOnFile(file, 64 * MiB, true, dir.resolve("meta"), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(16 * MiB));
            v.write(0, random(3, (int) (8 * MiB)), true).join();
            v.unmap(0, 4 * MiB).join();
            v.flush().join();
            assertTrue(allocatedBytes(file) >= 64 * MiB, "an unmap punched the file: " + allocatedBytes(file));
            pool.destroy("v", false);
            pool.flush().join();
        }
        assertTrue(allocatedBytes(file) >= 64 * MiB, "the file was punched: " + allocatedBytes(file));
        try (Pool pool = Pool.openDevice(file, true, dir.resolve("meta"), PoolConfig.defaults())) {
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    /** Preallocation is chosen at each open: a sparse pool opened as preallocated fills its holes, and back. */
    @Test
    void aPoolCanChangeBetweenSparseAndPreallocatedAtOpen() throws Exception {
        Path file = dir.resolve("pool.img");
        try (Pool pool = Pool.createOnFile(file, 64 * MiB, false, dir.resolve("meta"), PoolConfig.defaults())) {
            pool.createVolume("v", VolumeSpec.sparse(16 * MiB)).write(MiB, random(4, (int) (2 * MiB)), true).join();
        }
        assertTrue(allocatedBytes(file) < 16 * MiB, "a sparse pool's file holds " + allocatedBytes(file));
        try (Pool pool = Pool.openDevice(file, true, dir.resolve("meta"), PoolConfig.defaults())) {
            assertTrue(allocatedBytes(file) >= 64 * MiB, "holes left: the file holds " + allocatedBytes(file));
            assertArrayEquals(bytes(random(4, (int) (2 * MiB))), bytes(pool.volume("v").read(MiB, (int) (2 * MiB)).join()));
        }
        try (Pool pool = Pool.openDevice(file, false, dir.resolve("meta"), PoolConfig.defaults())) {
            Volume v = pool.volume("v");
            v.write(8 * MiB, random(5, (int) (8 * MiB)), true).join();
            v.unmap(8 * MiB, 8 * MiB).join();
            v.flush().join();
            assertTrue(allocatedBytes(file) <= 64 * MiB - 7 * MiB, "sparse again, the unmap was not punched: "
                    + allocatedBytes(file));
            assertArrayEquals(bytes(random(4, (int) (2 * MiB))), bytes(v.read(MiB, (int) (2 * MiB)).join()));
        }
    }

    @Test
    void severalPoolsRunSideBySide() throws Exception {
        try (Pool a = Pool.createOnFile(dir.resolve("a.img"), 16 * MiB, false, dir.resolve("meta-a"), PoolConfig.defaults());
                Pool b = Pool.createOnFile(dir.resolve("b.img"), 16 * MiB, false, dir.resolve("meta-b"), PoolConfig.defaults())) {
            a.createVolume("v", VolumeSpec.sparse(MiB)).write(0, random(1, 4096), false).join();
            b.createVolume("v", VolumeSpec.sparse(MiB)).write(0, random(2, 4096), false).join();
            assertArrayEquals(bytes(random(1, 4096)), bytes(a.volume("v").read(0, 4096).join()));
            assertArrayEquals(bytes(random(2, 4096)), bytes(b.volume("v").read(0, 4096).join()));
        }
    }

    @Test
    void aSpecialFileThatIsNoBlockDeviceIsRefusedClearly() {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> FileDevice.open(Path.of("/dev/null")));
        assertTrue(e.getMessage().startsWith("BLKGETSIZE64 /dev/null: "), e.getMessage());
    }

    @Test
    void concurrentFuaWritesShareCommits() throws Exception {
        try (Pool pool = Pool.createOnFile(dir.resolve("p.img"), 64 * MiB, false, dir.resolve("meta"), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
            long before = pool.properties().commits();
            AtomicInteger done = new AtomicInteger();
            CompletableFuture<?>[] writes = new CompletableFuture<?>[200];
            for (int i = 0; i < writes.length; i++) {
                writes[i] = v.write((long) i * 4096, random(i, 4096), true).thenRun(done::incrementAndGet);
            }
            CompletableFuture.allOf(writes).join();
            long commits = pool.properties().commits() - before;
            assertEquals(200, done.get());
            assertTrue(commits < 100, commits + " commits for 200 FUA writes");
        }
    }

    private static Pool open(Path device, Path meta) {
        try {
            return Pool.openDevice(device, meta, PoolConfig.defaults());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Bytes the filesystem holds for {@code file} (st_blocks * 512). */
    private static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return Long.parseLong(out) * 512;
    }
}
