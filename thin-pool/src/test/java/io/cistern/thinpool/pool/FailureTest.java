package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.PoolIoTest.assertKind;
import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Keys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures in the middle of things: nothing stored is lost, nothing half-made is committed. */
class FailureTest {

    /** A memory device whose data writes fail once armed, and whose next read can end in an Error. */
    static final class FailingDevice extends MemoryDevice {
        volatile boolean failWrites;
        volatile boolean errorOnNextRead;

        FailingDevice(long size) {
            super(size);
        }

        @Override
        public synchronized void write(long offset, ByteBuffer src) {
            if (failWrites) {
                throw new java.io.UncheckedIOException(new IOException("injected write error"));
            }
            super.write(offset, src);
        }

        @Override
        public synchronized void read(long offset, ByteBuffer dst) {
            if (errorOnNextRead) {
                errorOnNextRead = false;
                throw new InternalError("injected");
            }
            super.read(offset, dst);
        }
    }

    /**
     * A read that ends in an Error rather than an exception (a JVM InternalError, a StackOverflowError)
     * still answers: its initiator gets an error instead of waiting for ever, and the pool goes on.
     */
    @Test
    void aReadEndingInAnErrorIsAnsweredAndThePoolGoesOn() throws Exception {
        FailingDevice device = new FailingDevice(32 * MiB);
        try (Pool pool = Pool.create("p", device, new MemoryKeyValueStore(), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(MiB));
            v.write(0, random(1, 8192), true).join(); // on the device, not held in memory
            device.errorOnNextRead = true;
            CompletableFuture<ByteBuffer> read = v.read(0, 4096);
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(30, TimeUnit.SECONDS));
            assertEquals("injected", e.getCause().getMessage());
            assertArrayEquals(bytes(random(1, 8192)), bytes(v.read(0, 8192).join()));
        }
    }

    @Test
    void aWriteErrorStopsThePoolAndReopeningReturnsToTheLastCommit() throws Exception {
        FailingDevice device = new FailingDevice(32 * MiB);
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        Pool pool = Pool.create("p", device, store, PoolConfig.defaults());
        Volume v = pool.createVolume("v", VolumeSpec.sparse(MiB));
        ByteBuffer durable = random(1, 8 * 4096);
        v.write(0, durable, true).join();
        v.write(8 * 4096, random(2, 4096), false).join(); // acknowledged, not yet durable
        device.failWrites = true;
        // too large to be held: placing the held write of block 8 first fails, as its own would
        assertKind(PoolException.Kind.IO, () -> v.write(0, random(3, 32 * 4096), false).join());
        assertKind(PoolException.Kind.IO, () -> v.read(0, 4096).join()); // stopped, not half-working
        pool.close();

        device.failWrites = false;
        try (Pool reopened = Pool.open("p", device, store.copy(), PoolConfig.defaults())) {
            assertArrayEquals(bytes(durable), bytes(reopened.volume("v").read(0, 8 * 4096).join()));
            CheckReport check = reopened.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }

    @Test
    void aMissingBaseImageFailsOnlyItsClone(@TempDir Path dir) throws Exception {
        Path image = dir.resolve("base.img");
        Files.write(image, bytes(random(4, 8 * 4096)));
        MemoryDevice device = new MemoryDevice(32 * MiB);
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        try (Pool pool = Pool.create("p", device, store, PoolConfig.defaults())) {
            pool.cloneImage(image, "fromimage", 4096);
            pool.createVolume("other", VolumeSpec.sparse(MiB)).write(0, random(5, 4096), true).join();
        }
        Files.delete(image);
        try (Pool pool = Pool.open("p", device, store.copy(), PoolConfig.defaults())) {
            assertKind(PoolException.Kind.IO, () -> pool.volume("fromimage").read(0, 4096).join());
            assertArrayEquals(bytes(random(5, 4096)), bytes(pool.volume("other").read(0, 4096).join()));
            pool.destroy("fromimage", false);
            assertEquals(List.of("other"), pool.list());
        }
    }

    @Test
    void aCopyInterruptedByACrashIsDestroyedAtOpen() throws Exception {
        MemoryDevice device = new MemoryDevice(32 * MiB);
        MemoryKeyValueStore store = new MemoryKeyValueStore();
        try (Pool pool = Pool.create("p", device, store, PoolConfig.defaults())) {
            pool.createVolume("v", VolumeSpec.sparse(MiB)).write(0, random(6, 16 * 4096), true).join();
            pool.copy("v", "copy", true);
            assertEquals(List.of("copy", "v"), pool.list());
        }
        // What a crash halfway through the copy would have left: its record still marked incomplete.
        MemoryKeyValueStore crashed = store.copy();
        try (var c = crashed.scan(new byte[] {Keys.DATASET}, Keys.end(Keys.DATASET))) {
            while (c.next()) {
                DatasetRecord r = DatasetRecord.decode(c.value());
                if (r.name.equals("copy")) {
                    r.incomplete = true;
                    Batch b = new Batch();
                    b.put(c.key(), r.encode());
                    crashed.write(b, true);
                }
            }
        }
        try (Pool pool = Pool.open("p", device, crashed, PoolConfig.defaults())) {
            assertEquals(List.of("v"), pool.list());
            assertEquals(16 * 4096, pool.properties().allocated());
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
        }
    }
}
