package io.cistern.thinpool.pool;

import io.cistern.thinpool.alloc.Allocator;
import io.cistern.thinpool.alloc.Extent;
import io.cistern.thinpool.device.BlockDevice;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.Freelist;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's one metadata thread and its group commit, after BlueStore's kv_sync_thread.
 *
 * <p>Every operation runs on this thread, in submission order, so pool state needs no locks. An
 * operation writes its data to newly allocated space (never over live data) and records its
 * metadata changes in the open {@link Batch}. After each run of queued operations the thread
 * commits if anyone waits for durability (FUA, flush), the batch is large, or the commit interval
 * has passed: one device sync, then one synced RocksDB write for every operation since the last
 * commit. Data thus reaches the device before the metadata that points at it.
 *
 * <p>Space freed by an operation is recorded free in the batch but handed back to the allocator only
 * after the commit, so no write can land on bytes that a crash would bring back to life.
 *
 * <p>If a commit fails the engine fails: the in-memory state is ahead of the disk, so every later
 * operation completes with {@link PoolException.Kind#IO} until the pool is reopened.
 */
final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    final BlockDevice device;
    final KeyValueStore store;
    final Allocator allocator;
    final Freelist freelist;
    private final PoolConfig config;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final List<Extent> deferredFrees = new ArrayList<>();
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();
    private Runnable beforeCommit = () -> { };
    private Batch batch = new Batch();
    private long deferredBytes;
    private long lastCommit = System.nanoTime();
    private long commits;
    private volatile boolean closing;
    private volatile PoolException failure;

    Engine(String name, BlockDevice device, KeyValueStore store, Allocator allocator, PoolConfig config) {
        this.device = device;
        this.store = store;
        this.allocator = allocator;
        this.freelist = new Freelist(store, allocator.unit());
        this.config = config;
        this.thread = new Thread(this::loop, "pool-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts the thread; {@code hook} runs on it just before each commit (to add dirty records). */
    void start(Runnable hook) {
        this.beforeCommit = hook;
        thread.start();
    }

    /** Runs {@code op} on the metadata thread; the future completes with its result. */
    <T> CompletableFuture<T> call(Callable<T> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(result, () -> {
            result.complete(op.call());
            return null;
        });
        return result;
    }

    /** Runs {@code op} and completes only after the commit that makes its effects durable. */
    CompletableFuture<Void> durable(Callable<Void> op) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        submit(result, () -> {
            op.call();
            waiters.add(result);
            return null;
        });
        return result;
    }

    private void submit(CompletableFuture<?> result, Callable<Void> task) {
        if (closing) {
            result.completeExceptionally(new PoolException(PoolException.Kind.CLOSED, "pool is closed"));
            return;
        }
        queue.add(() -> {
            if (failure != null) {
                result.completeExceptionally(failure);
                return;
            }
            try {
                task.call();
            } catch (PoolException e) {
                result.completeExceptionally(e);
            } catch (Exception | AssertionError e) {
                result.completeExceptionally(e instanceof IOException
                        ? new PoolException(PoolException.Kind.IO, -1, "device I/O failed: " + e.getMessage(), e) : e);
            }
        });
    }

    /** The batch that collects the current operation's metadata changes. Metadata thread only. */
    Batch batch() {
        return batch;
    }

    /** Marks {@code e} free in the batch and returns it to the allocator after the commit. */
    void free(Extent e) {
        freelist.release(batch, e.offset(), e.length());
        deferredFrees.add(e);
        deferredBytes += e.length();
    }

    /** Bytes freed but not yet committed (not yet allocatable). */
    long deferredBytes() {
        return deferredBytes;
    }

    long commits() {
        return commits;
    }

    private void loop() {
        while (!closing || !queue.isEmpty()) {
            try {
                Runnable op = queue.poll(config.commitIntervalMillis(), TimeUnit.MILLISECONDS);
                for (int n = 0; op != null && n < 1024; n++) {
                    op.run();
                    op = n + 1 < 1024 ? queue.poll() : null;
                }
                if (failure == null && needCommit()) {
                    commit();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("pool operation failed outside its future", e);
            }
        }
        if (failure == null) {
            commit();
        }
    }

    private boolean needCommit() {
        return !waiters.isEmpty() || batch.size() >= config.maxBatchKeys()
                || (!batch.isEmpty() && System.nanoTime() - lastCommit >= config.commitIntervalMillis() * 1_000_000);
    }

    /**
     * Makes everything so far durable: device sync, then the batch in one synced write; then frees
     * the deferred space and completes the waiters. Runs on the metadata thread, also from an
     * operation that needs freed space back.
     */
    void commit() {
        try {
            beforeCommit.run();
            if (!batch.isEmpty()) {
                device.sync();
                store.write(batch, true);
            }
            for (Extent e : deferredFrees) {
                device.punchHole(e.offset(), e.length());
                allocator.release(e.offset(), e.length());
            }
        } catch (IOException | RuntimeException e) {
            failure = new PoolException(PoolException.Kind.IO, -1, "commit failed, pool stopped: " + e.getMessage(), e);
            LOG.error("commit failed; the pool refuses further operations until reopened", e);
            waiters.forEach(w -> w.completeExceptionally(failure));
            waiters.clear();
            return;
        }
        commits++;
        batch = new Batch();
        deferredFrees.clear();
        deferredBytes = 0;
        lastCommit = System.nanoTime();
        List<CompletableFuture<Void>> done = new ArrayList<>(waiters);
        waiters.clear();
        done.forEach(w -> w.complete(null));
    }

    /** Stops accepting operations, runs those queued, commits, and stops the thread. */
    @Override
    public void close() {
        closing = true;
        queue.add(() -> { });
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    PoolException failure() {
        return failure;
    }
}
