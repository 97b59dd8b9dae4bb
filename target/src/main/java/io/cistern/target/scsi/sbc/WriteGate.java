package io.cistern.target.scsi.sbc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * An asynchronous shared/exclusive gate per logical unit that makes COMPARE AND WRITE atomic
 * against other writes: writes pass shared (many at once), COMPARE AND WRITE passes alone. First
 * come, first served, so a waiting COMPARE AND WRITE is not starved. Nobody blocks: a waiter's
 * operation starts on the thread that lets it in.
 */
public final class WriteGate {

    private record Waiter(boolean exclusive, CompletableFuture<Void> admitted) {
    }

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int sharedHolders;
    private boolean exclusiveHeld;

    public <T> CompletableFuture<T> shared(Supplier<? extends CompletionStage<T>> operation) {
        return pass(false, operation);
    }

    public <T> CompletableFuture<T> exclusive(Supplier<? extends CompletionStage<T>> operation) {
        return pass(true, operation);
    }

    private <T> CompletableFuture<T> pass(boolean exclusive, Supplier<? extends CompletionStage<T>> operation) {
        CompletableFuture<Void> admitted = new CompletableFuture<>();
        boolean now;
        synchronized (this) {
            now = waiters.isEmpty() && admits(exclusive);
            if (now) {
                enter(exclusive);
            } else {
                waiters.add(new Waiter(exclusive, admitted));
            }
        }
        if (now) {
            admitted.complete(null);
        }
        return admitted
                .thenCompose(v -> {
                    try {
                        return operation.get();
                    } catch (RuntimeException e) {
                        return CompletableFuture.<T>failedFuture(e);
                    }
                })
                .whenComplete((r, t) -> leave(exclusive));
    }

    private boolean admits(boolean exclusive) {
        return !exclusiveHeld && (!exclusive || sharedHolders == 0);
    }

    private void enter(boolean exclusive) {
        if (exclusive) {
            exclusiveHeld = true;
        } else {
            sharedHolders++;
        }
    }

    private void leave(boolean exclusive) {
        List<CompletableFuture<Void>> admitted = new ArrayList<>();
        synchronized (this) {
            if (exclusive) {
                exclusiveHeld = false;
            } else {
                sharedHolders--;
            }
            while (!waiters.isEmpty() && admits(waiters.peek().exclusive())) {
                Waiter next = waiters.poll();
                enter(next.exclusive());
                admitted.add(next.admitted());
            }
        }
        admitted.forEach(f -> f.complete(null)); // outside the lock: this runs their operations
    }
}
