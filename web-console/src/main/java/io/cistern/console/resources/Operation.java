package io.cistern.console.resources;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A long operation (a scrub, the freeing of a destroyed volume, an image copy) the client polls: running with a progress 0..1, then done with a result,
 * or failed with a message. Updated by the pool's threads, read by the API's.
 */
final class Operation {
    private final String id;
    private final String kind;
    private final String target;
    private final Instant startedAt = Instant.now();
    private volatile double progress;
    private volatile JsonObject result;
    private volatile String error;

    Operation(String id, String kind, String target) {
        this.id = id;
        this.kind = kind;
        this.target = target;
    }

    /** Ends this operation when {@code work} ends: done with its result, or failed with its message. */
    void follow(CompletableFuture<JsonObject> work) {
        work.whenComplete((r, e) -> {
            if (e != null) {
                error = (e instanceof CompletionException && e.getCause() != null ? e.getCause() : e).getMessage();
            } else {
                progress = 1.0;
                result = r;
            }
        });
    }

    void progress(double share) {
        progress = share;
    }

    String id() {
        return id;
    }

    String kind() {
        return kind;
    }

    String target() {
        return target;
    }

    boolean running() {
        return result == null && error == null;
    }

    JsonObject toJson() {
        JsonObject r = result;
        String e = error;
        return new JsonObject().put("id", id).put("kind", kind).put("target", target)
                .put("state", r != null ? "done" : e != null ? "failed" : "running")
                .put("progress", progress).put("startedAt", startedAt.toString()).put("result", r).put("error", e);
    }
}
