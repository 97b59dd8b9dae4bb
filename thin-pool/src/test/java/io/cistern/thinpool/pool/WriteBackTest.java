package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.PoolIoTest.assertKind;
import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Small writes held in memory ({@link WriteBack}): they read back at once, land in block order,
 * give way to later operations on their blocks, reserve their space, and become durable at a
 * flush or within the commit interval. CrashRecoveryTest crashes pools with writes held.
 */
class WriteBackTest {
    private static final int B = 4096;

    /** A memory device that counts its reads (a scattering read as one) and writes. */
    static final class CountingDevice extends MemoryDevice {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        private boolean scattering;

        CountingDevice(long size) {
            super(size);
        }

        @Override
        public synchronized void read(long offset, ByteBuffer dst) {
            if (!scattering) {
                reads.incrementAndGet();
            }
            super.read(offset, dst);
        }

        @Override
        public synchronized void read(long offset, ByteBuffer[] parts) throws IOException {
            reads.incrementAndGet();
            scattering = true;
            try {
                super.read(offset, parts);
            } finally {
                scattering = false;
            }
        }

        @Override
        public synchronized void write(long offset, ByteBuffer src) {
            writes.incrementAndGet();
            super.write(offset, src);
        }
    }

    /**
     * Device reads of the first 1 MiB of a 16 MiB volume of which every fourth block was written, 4 KiB
     * at a time in random order (placed as they come, the first MiB's blocks lie all over 4 MiB of the
     * device); with {@code damage}, the read must fail on a block whose bytes changed.
     */
    private static int readsAfterRandomWrites(PoolConfig config, boolean damage) throws Exception {
        CountingDevice device = new CountingDevice(64 * MiB);
        try (Pool pool = Pool.create("p", device, new MemoryKeyValueStore(), config)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(16 * MiB));
            List<Integer> order = new ArrayList<>();
            for (int b = 0; b < 4096; b += 4) {
                order.add(b);
            }
            Collections.shuffle(order, new Random(1));
            for (int b : order) {
                v.write((long) b * B, random(b, B), false).join();
            }
            assertArrayEquals(bytes(random(20, B)), bytes(v.read(20 * B, B).join()));
            pool.flush().join();
            if (damage) {
                long at = PoolIoTest.findBytes(device, bytes(random(100, B)));
                device.write(at + 7, ByteBuffer.wrap(new byte[] {(byte) ~bytes(random(100, B))[7]}));
                assertKind(PoolException.Kind.CHECKSUM, () -> v.read(0, 256 * B).join());
                return 0;
            }
            int before = device.reads.get();
            ByteBuffer all = v.read(0, 256 * B).join();
            for (int b = 0; b < 256; b++) {
                ByteBuffer want = b % 4 == 0 ? random(b, B) : ByteBuffer.allocate(B);
                assertArrayEquals(bytes(want), bytes(all.slice(b * B, B)), "block " + b);
            }
            return device.reads.get() - before;
        }
    }

    @Test
    void randomSmallWritesLandInBlockOrderAndAreReadTogether() throws Exception {
        int direct = readsAfterRandomWrites(PoolConfig.defaults().withWriteBackBytes(0), false);
        assertTrue(direct > 2, direct + " device reads: placed as they came, scattered");
        assertEquals(2, readsAfterRandomWrites(PoolConfig.defaults(), false),
                "held, placed in block order, gathered: 64 blocks side by side, read in pieces of 128 KiB");
        readsAfterRandomWrites(PoolConfig.defaults(), true);
    }

    /**
     * Random writes (held or not, whole blocks or partial, some FUA), unmaps, snapshots and rollbacks,
     * with a write-back limit small enough to be reached often: every read and snapshot agrees with a
     * model of the volume, before and after a reopen, though each write's buffer is scribbled over
     * once it completes; compressed and not (a held block is the caller's copy either way).
     */
    @Test
    void everyOperationSeesHeldWritesInOrder() throws Exception {
        for (long limit : new long[] {16 * B, 64L << 20, 64L << 21}) {
            Compression compression = limit == 64L << 21 ? Compression.OFF : Compression.DEFAULT;
            MemoryDevice device = new MemoryDevice(64 * MiB);
            MemoryKeyValueStore store = new MemoryKeyValueStore();
            int blocks = 64;
            byte[] model = new byte[blocks * B];
            byte[] snap = null;
            Random rnd = new Random(limit);
            PoolConfig config = PoolConfig.defaults().withWriteBackBytes(limit);
            try (Pool pool = Pool.create("p", device, store, config)) {
                Volume v = pool.createVolume("v", VolumeSpec.sparse((long) blocks * B).withCompression(compression));
                for (int op = 0; op < 2000; op++) {
                    int kind = rnd.nextInt(20);
                    long offset = rnd.nextInt(4) == 0 ? rnd.nextInt(blocks * B) : (long) rnd.nextInt(blocks) * B;
                    int length = (int) Math.min(blocks * B - offset, rnd.nextInt(3) == 0
                            ? 1 + rnd.nextInt(40 * B) : (1 + rnd.nextInt(4)) * B);
                    if (kind < 12) {
                        byte[] data = rnd.nextInt(8) == 0 ? new byte[length] : bytes(random(rnd.nextLong(), length));
                        v.write(offset, ByteBuffer.wrap(data), rnd.nextInt(10) == 0).join();
                        System.arraycopy(data, 0, model, (int) offset, length);
                        java.util.Arrays.fill(data, (byte) 0x5a); // the caller's buffer is its own again
                    } else if (kind < 14) {
                        v.unmap(offset, length).join();
                        java.util.Arrays.fill(model, (int) offset, (int) (offset + length), (byte) 0);
                    } else if (kind < 18) {
                        assertArrayEquals(java.util.Arrays.copyOfRange(model, (int) offset, (int) (offset + length)),
                                bytes(v.read(offset, length).join()), "op " + op);
                    } else if (kind == 18) {
                        if (snap != null) {
                            pool.destroy("v@s", false);
                        }
                        pool.snapshot("v", "s");
                        snap = model.clone();
                    } else if (snap != null) {
                        pool.rollback("v@s");
                        model = snap.clone();
                    }
                }
                assertArrayEquals(model, bytes(v.read(0, blocks * B).join()));
                if (snap != null) {
                    assertArrayEquals(snap, bytes(pool.volume("v@s").read(0, blocks * B).join()));
                }
                CheckReport check = pool.check();
                assertTrue(check.clean(), check.problems()::toString);
            }
            try (Pool pool = Pool.open("p", device, store.copy(), config)) {
                assertArrayEquals(model, bytes(pool.volume("v").read(0, blocks * B).join()), "limit " + limit);
            }
        }
    }

    /** Held writes reserve their space: a sync never runs short, and the write that finds none is refused. */
    @Test
    void heldWritesReserveTheirSpace() throws Exception {
        try (Pool pool = TestPools.memory(8 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(16 * MiB));
            int acknowledged = 0;
            for (int b = 0; b < 4096; b++) {
                CompletableFuture<Void> w = v.write((long) b * B, random(b, B), false);
                if (w.handle((x, e) -> e == null).join()) {
                    acknowledged++;
                } else {
                    assertKind(PoolException.Kind.OUT_OF_SPACE, w::join);
                    break;
                }
            }
            assertTrue(acknowledged > 1000 && acknowledged < 2048, acknowledged + " blocks fit in 8 MiB");
            pool.flush().join();
            for (int b = 0; b < acknowledged; b++) {
                assertArrayEquals(bytes(random(b, B)), bytes(v.read((long) b * B, B).join()), "block " + b);
            }
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    /**
     * A file system below that turns out full at the sync: the held write stays held and readable,
     * flushes fail with out-of-space until there is room, and then it lands.
     */
    @Test
    void aRefusedSyncKeepsTheWriteAndFailsFlushesUntilThereIsRoom() throws Exception {
        NoRoomBelowTest.FillingDevice device = new NoRoomBelowTest.FillingDevice(32 * MiB);
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        try (Pool pool = Pool.create("p", device, store, PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(4 * MiB));
            v.write(0, random(1, 2 * B), false).join();
            device.full = true;
            assertKind(PoolException.Kind.OUT_OF_SPACE, () -> pool.flush().join());
            assertKind(PoolException.Kind.OUT_OF_SPACE, () -> v.write(8 * B, random(2, B), false).join()); // not held now
            assertArrayEquals(bytes(random(1, 2 * B)), bytes(v.read(0, 2 * B).join()));
            device.full = false;
            pool.flush().join();
        }
        try (Pool pool = Pool.open("p", device, store.copy(), PoolConfig.defaults())) {
            assertArrayEquals(bytes(random(1, 2 * B)), bytes(pool.volume("v").read(0, 2 * B).join()));
            assertArrayEquals(new byte[B], bytes(pool.volume("v").read(8 * B, B).join()));
        }
    }

    /** Without a flush, a held write is placed and committed within the commit interval. */
    @Test
    void heldWritesLandWithinTheCommitInterval() throws Exception {
        CountingDevice device = new CountingDevice(32 * MiB);
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        PoolConfig config = PoolConfig.defaults().withCommitIntervalMillis(100);
        try (Pool pool = Pool.create("p", device, store, config)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(4 * MiB));
            pool.flush().join();
            int writes = device.writes.get();
            v.write(0, random(1, B), false).join();
            assertEquals(writes, device.writes.get(), "held, not yet on the device");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (device.writes.get() == writes && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(300); // its commit, one interval at most after it
            MemoryKeyValueStore committed = store.copy();
            ByteBuffer image = ByteBuffer.allocate((int) device.size());
            device.read(0, image);
            MemoryDevice crashed = new MemoryDevice(device.size());
            crashed.write(0, image.flip());
            try (Pool copy = Pool.open("p", crashed, committed, config)) {
                assertArrayEquals(bytes(random(1, B)), bytes(copy.volume("v").read(0, B).join()));
            }
        }
    }

    /**
     * GET LBA STATUS sees held writes (data mapped, zeros not) where they are: initiators such as QEMU
     * ask before reading, and asking must not place them.
     */
    @Test
    void statusSeesHeldWritesWithoutPlacingThem() throws Exception {
        CountingDevice device = new CountingDevice(64 * MiB);
        try (Pool pool = Pool.create("p", device, new MemoryKeyValueStore(), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(16 * MiB));
            v.write(30 * B, random(1, B), false).join();
            pool.flush().join();
            int before = device.writes.get();
            v.write(10 * B, random(2, 2 * B), false).join();
            v.write(30 * B, ByteBuffer.allocate(B), false).join(); // zeros over placed data: unmapped
            assertEquals(new Volume.Status(0, 10 * B, false), v.status(0).join());
            assertEquals(new Volume.Status(10 * B, 2 * B, true), v.status(10 * B).join());
            assertEquals(new Volume.Status(12 * B, 16 * MiB - 12 * B, false), v.status(12 * B).join());
            assertEquals(before, device.writes.get(), "asking placed held writes");
            pool.flush().join();
            assertTrue(device.writes.get() > before);
            assertEquals(new Volume.Status(10 * B, 2 * B, true), v.status(10 * B).join());
            assertEquals(new Volume.Status(12 * B, 16 * MiB - 12 * B, false), v.status(12 * B).join());
        }
    }
}
