package io.cistern.thinpool.pool;

import java.util.ArrayDeque;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The reader threads, and what keeps freed space from reuse while a read may still look at it: epochs,
 * as in epoch-based reclamation. Reads resolve their mappings on the metadata thread, pin the
 * current epoch, and read the device here. Each landed commit's frees are held under the epoch then
 * current, and the epoch moves on; they go back to the allocator once no read pinned at or before
 * that epoch remains. A read pinned later resolved its mappings after the frees, so cannot see them.
 *
 * <p>Thread-safety: {@link #submit}, {@link #hold} and {@link #releasable} on the metadata thread;
 * the pin counts are shared with the reader threads under this object's lock.
 */
final class Readers implements AutoCloseable {
    private record Held(long epoch, Engine.Frees frees) {
    }

    private final TreeMap<Long, Integer> active = new TreeMap<>(); // epoch -> reads in flight; guarded by this
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final ExecutorService threads;
    private final Runnable afterRead;
    private long epoch;
    /** Whether frees are held: only then does a finished read need to wake the metadata thread. */
    private volatile boolean holding;

    /** {@code afterRead} runs after a read while frees are held, on its thread: a chance to release them. */
    Readers(String name, int count, Runnable afterRead) {
        this.threads = Executors.newFixedThreadPool(count, daemon(name));
        this.afterRead = afterRead;
    }

    /** Daemon threads named {@code name}: a pool must never keep the process alive. */
    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code read} on a reader thread, with the space it may look at pinned until it is done. */
    <T> CompletableFuture<T> submit(Callable<T> read) {
        long pinned = pin();
        CompletableFuture<T> result = new CompletableFuture<>();
        threads.execute(() -> {
            T value = null;
            Throwable error = null;
            try {
                value = read.call();
            } catch (Exception | Error e) { // an Error too: a read that is never answered hangs its initiator
                error = e;
            }
            unpin(pinned); // before the caller hears of it: what it does next must not find a stale pin
            // Frees held after this check are released by the releasable() that follows their hold,
            // which takes this object's lock after the unpin above, so sees it.
            if (holding) {
                afterRead.run();
            }
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    private synchronized long pin() {
        active.merge(epoch, 1, Integer::sum);
        return epoch;
    }

    private synchronized void unpin(long pinned) {
        active.computeIfPresent(pinned, (e, n) -> n == 1 ? null : n - 1);
    }

    /** Holds a landed commit's frees until the reads that might see them are done. */
    void hold(Engine.Frees frees) {
        if (!frees.isEmpty()) {
            held.add(new Held(epoch, frees));
            holding = true;
        }
        synchronized (this) {
            epoch++;
        }
    }

    /** The held frees no read can see any more; each is returned once. */
    Engine.Frees releasable() {
        long oldestPinned;
        synchronized (this) {
            oldestPinned = active.isEmpty() ? Long.MAX_VALUE : active.firstKey();
        }
        Engine.Frees out = new Engine.Frees();
        while (!held.isEmpty() && held.peek().epoch() < oldestPinned) {
            out.addAll(held.poll().frees());
        }
        holding = !held.isEmpty();
        return out;
    }

    /** Lets the reads already submitted finish. */
    @Override
    public void close() {
        threads.shutdown();
        try {
            threads.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
