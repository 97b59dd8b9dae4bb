package io.cistern.thinpool.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleConsumer;

/**
 * Frees destroyed heads in the background, one {@link Destroyer#drain} slice per round of the
 * engine's loop, so other volumes' I/O and commits go on between slices (ZFS's async destroy). Heads are freed in the order they
 * were destroyed. Each slice is an operation like any other: a crash loses at most the slices since
 * the last commit, and the next open resumes where the store says the freeing had got.
 *
 * <p>Thread-safety: metadata thread only.
 */
final class AsyncDestroy {
    private final Engine engine;
    private final Destroyer destroyer;
    private final Deque<Destroyer.Drain> queue = new ArrayDeque<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private boolean running;

    /** A destroy waiting for its heads to be freed, told the share freed after each slice. */
    private record Waiter(List<Long> ids, long bytes, DoubleConsumer progress, CompletableFuture<Void> done) {
    }

    AsyncDestroy(Engine engine, Destroyer destroyer) {
        this.engine = engine;
        this.destroyer = destroyer;
    }

    /** Frees heads {@code ids} after those queued before; {@code progress} hears the share freed, 0..1. */
    Freeing free(List<Long> ids, DoubleConsumer progress) {
        for (long id : ids) {
            if (queue.stream().noneMatch(d -> d.id == id)) {
                queue.add(new Destroyer.Drain(id));
            }
        }
        Waiter w = new Waiter(List.copyOf(ids), remaining(ids), progress, new CompletableFuture<>());
        waiters.add(w);
        if (!running) {
            running = true;
            next();
        }
        return new Freeing(w.bytes(), w.done());
    }

    /** Bytes the heads being destroyed still hold: zpool's {@code freeing}. */
    long freeing() {
        return remaining(queue.stream().map(d -> d.id).toList());
    }

    private long remaining(List<Long> ids) {
        return ids.stream().mapToLong(destroyer::remaining).sum();
    }

    /** Runs the slices as the engine's background work, one per round of its loop. */
    private void next() {
        engine.background(this::slice).whenComplete((v, failure) -> { // on the metadata thread
            running = false;
            if (failure != null) {
                waiters.forEach(w -> w.done().completeExceptionally(failure));
                waiters.clear();
            }
        });
    }

    /** Frees one slice, reports progress, releases the waiters it finished; true while more is queued. */
    private boolean slice() {
        Destroyer.Drain d = queue.peek();
        if (d != null && destroyer.drain(d)) {
            queue.poll();
        }
        for (Waiter w : List.copyOf(waiters)) {
            long left = remaining(w.ids());
            if (left == 0 && w.ids().stream().noneMatch(id -> queue.stream().anyMatch(q -> q.id == id))) {
                waiters.remove(w);
                w.progress().accept(1.0);
                engine.durable(() -> null).whenComplete((v, e) -> { // freed space is allocatable once committed
                    if (e != null) {
                        w.done().completeExceptionally(e);
                    } else {
                        w.done().complete(null);
                    }
                });
            } else if (w.bytes() > 0) {
                w.progress().accept(1.0 - (double) left / w.bytes());
            }
        }
        return !queue.isEmpty();
    }
}
