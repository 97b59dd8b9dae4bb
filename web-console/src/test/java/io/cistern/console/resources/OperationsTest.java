package io.cistern.console.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.console.http.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OperationsTest {

    @Test
    void oneScrubPerPoolAtATime() {
        Operations ops = new Operations();
        Operation first = ops.start("scrub", "tank");
        CompletableFuture<JsonObject> work = new CompletableFuture<>();
        first.follow(work);
        first.progress(0.25);
        assertEquals("running", first.toJson().getString("state"));
        assertEquals(0.25, first.toJson().getDouble("progress"));
        ApiException busy = assertThrows(ApiException.class, () -> ops.start("scrub", "tank"));
        assertEquals(409, busy.status());
        assertEquals("a scrub of tank is already running (operation 1)", busy.getMessage());
        ops.start("scrub", "pond").follow(new CompletableFuture<>()); // another pool may scrub meanwhile
        work.completeExceptionally(new IllegalStateException("device gone"));
        assertEquals("failed", first.toJson().getString("state"));
        assertEquals("device gone", first.toJson().getString("error"));
        assertEquals("3", ops.start("scrub", "tank").id());
        assertEquals("3", ops.latest("scrub", "tank").orElseThrow().id());
    }

    @Test
    void onlyTheLatestFinishedOperationsAreKept() {
        Operations ops = new Operations();
        for (int i = 0; i < Operations.KEEP_FINISHED + 10; i++) {
            ops.start("scrub", "tank").follow(CompletableFuture.completedFuture(new JsonObject()));
        }
        assertTrue(ops.get("1").isEmpty());
        assertTrue(ops.get(Integer.toString(Operations.KEEP_FINISHED + 10)).isPresent());
        assertEquals("done", ops.get("20").orElseThrow().toJson().getString("state"));
    }
}
