package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A plugged thread's I/O waits for its unplug, runs in the order submitted, and is never stranded: not
 * by a waiting call on the plugged thread, not by a close.
 */
class PlugTest {

    @Test
    void keptOperationsRunAtUnplugInOrder() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
            Runnable unplug = pool.plug();
            CompletableFuture<Void> first = v.write(0, random(1, 8192), false);
            ByteBuffer last = random(2, 4096);
            CompletableFuture<Void> second = v.write(4096, last, false);
            CompletableFuture<ByteBuffer> read = v.read(0, 8192);

            // Every operation queued before this flush has run when it completes: the kept ones are not queued.
            CompletableFuture.runAsync(() -> pool.flush().join()).get(10, TimeUnit.SECONDS);
            assertFalse(first.isDone() || second.isDone() || read.isDone());

            unplug.run();
            byte[] expected = bytes(random(1, 8192));
            System.arraycopy(bytes(last), 0, expected, 4096, 4096);
            assertArrayEquals(expected, bytes(read.get(10, TimeUnit.SECONDS)), "the read sees both writes, in order");
            assertNull(second.get(10, TimeUnit.SECONDS));
            assertArrayEquals(expected, bytes(v.read(0, 8192).get(10, TimeUnit.SECONDS)));
        }
    }

    @Test
    void aNestedPlugLeavesTheUnplugToTheOutermost() throws Exception {
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
            Runnable outer = pool.plug();
            pool.plug().run();
            CompletableFuture<Void> write = v.write(0, random(3, 4096), false);
            CompletableFuture.runAsync(() -> pool.flush().join()).get(10, TimeUnit.SECONDS);
            assertFalse(write.isDone());
            outer.run();
            assertNull(write.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWaitingCallOnAPluggedThreadHandsOverWhatItKeptFirst() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Pool pool = TestPools.memory(64 * MiB)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
            AtomicReference<CompletableFuture<Void>> write = new AtomicReference<>();
            // On its own thread, so a hang fails the test rather than holding it for ever.
            long referenced = thread.submit(() -> {
                Runnable unplug = pool.plug();
                try {
                    write.set(v.write(0, random(4, 4096), false));
                    return v.properties().referenced(); // waits for the pool thread
                } finally {
                    unplug.run();
                }
            }).get(10, TimeUnit.SECONDS);
            assertEquals(4096, referenced, "the properties saw the write kept before them");
            assertNull(write.get().get(10, TimeUnit.SECONDS));
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void closingThePoolFailsWhatAnotherThreadStillKeeps() throws Exception {
        Pool pool = TestPools.memory(64 * MiB);
        Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
        Runnable unplug = pool.plug();
        CompletableFuture<Void> write = v.write(0, random(5, 4096), false);
        CompletableFuture.runAsync(() -> {
            try {
                pool.close();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }).get(10, TimeUnit.SECONDS);
        unplug.run();
        ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(10, TimeUnit.SECONDS));
        assertEquals(PoolException.Kind.CLOSED, assertInstanceOf(PoolException.class, e.getCause()).kind());
    }

    @Test
    void closingOnThePluggedThreadRunsWhatItKeptFirst() throws Exception {
        Pool pool = TestPools.memory(64 * MiB);
        Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
        Runnable unplug = pool.plug();
        CompletableFuture<Void> write = v.write(0, random(6, 4096), false);
        pool.close();
        unplug.run();
        assertNull(write.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closingWhileOtherThreadsSubmitStrandsNothing() throws Exception {
        // The race is narrow (a submit that saw the pool open queues after the loop's last look), so
        // many short rounds, bounded by count and time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int round = 0; round < 200 && System.nanoTime() < deadline; round++) {
            Pool pool = TestPools.memory(64 * MiB);
            Volume v = pool.createVolume("v", VolumeSpec.sparse(8 * MiB));
            ConcurrentLinkedQueue<CompletableFuture<Void>> submitted = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(2);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int seed = t;
                submitters.add(new Thread(() -> {
                    started.countDown();
                    for (int i = 0; i < 100_000; i++) {
                        CompletableFuture<Void> w = v.write((long) (i % 2048) * 4096, random(seed, 4096), false);
                        submitted.add(w);
                        if (w.isCompletedExceptionally()) {
                            return; // the pool said it is closed
                        }
                    }
                }));
            }
            submitters.forEach(Thread::start);
            started.await();
            pool.close();
            for (Thread s : submitters) {
                s.join(TimeUnit.SECONDS.toMillis(10));
            }
            for (CompletableFuture<Void> w : submitted) {
                try {
                    w.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertEquals(PoolException.Kind.CLOSED, assertInstanceOf(PoolException.class, e.getCause()).kind());
                }
            }
        }
    }
}
