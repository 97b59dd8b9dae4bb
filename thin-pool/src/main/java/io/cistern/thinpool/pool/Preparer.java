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
    /** Fewest blocks per task: one 4K block costs a few microseconds, so a task is worth a thread's wake-up. */
    static final int CHUNK_BLOCKS = 16;
    private static final int THREAD_COUNT = Runtime.getRuntime().availableProcessors();

    private static final ForkJoinPool THREADS = new ForkJoinPool(THREAD_COUNT, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("cistern-prepare-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, true);

    private Preparer() {
    }

    /**
     * Runs {@code task} for each of {@code 0..count-1} on the prepare threads; completes when all ran.
     * At most one task per thread: more would only add wake-ups (on 2 cores, splitting a 1 MiB
     * write into 16 tasks spent a third of the prepare threads' time parking and waking).
     */
    static CompletableFuture<Void> forEach(int count, IntConsumer task) {
        int tasks = Math.max(1, Math.min(THREAD_COUNT, (count + CHUNK_BLOCKS - 1) / CHUNK_BLOCKS));
        if (tasks == 1) {
            return CompletableFuture.runAsync(() -> run(task, 0, count), THREADS);
        }
        int per = (count + tasks - 1) / tasks;
        CompletableFuture<?>[] parts = new CompletableFuture<?>[tasks];
        for (int p = 0; p < tasks; p++) {
            int from = Math.min(count, p * per);
            parts[p] = CompletableFuture.runAsync(() -> run(task, from, Math.min(count, from + per)), THREADS);
        }
        return CompletableFuture.allOf(parts);
    }

    private static void run(IntConsumer task, int from, int to) {
        for (int i = from; i < to; i++) {
            task.accept(i);
        }
    }
}
