package io.cistern.thinpool.pool;

import java.util.concurrent.CompletableFuture;

/**
 * The space of a destroyed dataset being freed in the background (ZFS's async destroy): the dataset
 * is gone already; {@code done} completes once its space is free and committed.
 *
 * @param bytes what it held when destroyed, to be freed (0: nothing, {@code done} completes at once)
 * @param done  completes when the space is free; fails if the pool closes or fails first (a restart
 *              resumes the freeing)
 */
public record Freeing(long bytes, CompletableFuture<Void> done) {
}
