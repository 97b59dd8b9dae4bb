package io.cistern.thinpool.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.IntConsumer;

/**
 * Where written blocks are made ready to store (zero test, compression, CRC32C, dedup hash): off the
 * caller's thread, usually a Netty event loop that must not stall on CPU work while its connection
 * has more PDUs to read, and off the metadata thread; in parallel on all cores, a large write split
 * into chunks so that one write uses every core. One set of threads serves every pool.
 */
final class Preparer {
    /** Blocks per task: a 1 MiB write of 4K blocks is 16 tasks, one 4K block costs a few microseconds. */
    static final int CHUNK_BLOCKS = 16;

    private static final ForkJoinPool THREADS = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("cistern-prepare-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, true);

    private Preparer() {
    }

    /** Runs {@code task} for each of {@code 0..count-1} on the prepare threads; completes when all ran. */
    static CompletableFuture<Void> forEach(int count, IntConsumer task) {
        if (count <= CHUNK_BLOCKS) {
            return CompletableFuture.runAsync(() -> run(task, 0, count), THREADS);
        }
        CompletableFuture<?>[] parts = new CompletableFuture<?>[(count + CHUNK_BLOCKS - 1) / CHUNK_BLOCKS];
        for (int p = 0; p < parts.length; p++) {
            int from = p * CHUNK_BLOCKS;
            parts[p] = CompletableFuture.runAsync(() -> run(task, from, Math.min(count, from + CHUNK_BLOCKS)), THREADS);
        }
        return CompletableFuture.allOf(parts);
    }

    private static void run(IntConsumer task, int from, int to) {
        for (int i = from; i < to; i++) {
            task.accept(i);
        }
    }
}
