package io.cistern.target.scsi.sbc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Runs a long block range as a sequence of bounded pieces, one after the other, without blocking. */
final class Chunks {

    @FunctionalInterface
    interface Piece {
        CompletionStage<Void> run(long lba, int blocks);
    }

    private Chunks() {
    }

    static CompletableFuture<Void> sequentially(long lba, long blocks, int chunk, Piece piece) {
        if (blocks == 0) {
            return CompletableFuture.completedFuture(null);
        }
        int n = (int) Math.min(blocks, chunk);
        return piece.run(lba, n).toCompletableFuture()
                .thenCompose(v -> sequentially(lba + n, blocks - n, chunk, piece));
    }
}
