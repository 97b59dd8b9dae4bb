package io.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.api.ApiClient;
import io.cistern.cli.api.Json;
import io.cistern.cli.format.Dates;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/** Following a long operation of the API (docs/api.md's Operation: a scrub, a destroy's freeing, an import) to its end. */
public final class Operations {
    private Operations() {
    }

    /**
     * Polls {@code operation} until it no longer runs, handing {@code show} its progress
     * ({@link #progress}) each time that changes; returns the operation as it ended.
     */
    public static JsonNode await(JsonNode operation, Context context, Consumer<String> show) {
        String id = operation.path("id").asText();
        String shown = "";
        while (operation.path("state").asText().equals("running")) {
            String progress = progress(operation, context.clock().instant());
            String percent = progress.substring(0, progress.indexOf('%'));
            if (!percent.equals(shown)) {
                show.accept(progress);
                shown = percent;
            }
            context.pause();
            operation = context.api().get("/operations/" + ApiClient.path(id));
        }
        return operation;
    }

    /** "45.00% done, 00:01:02 to go", the remaining time extrapolated from the time so far. */
    public static String progress(JsonNode operation, Instant now) {
        double done = operation.path("progress").asDouble();
        String text = String.format(Locale.ROOT, "%.2f%% done", done * 100);
        JsonNode started = operation.path("startedAt");
        if (done <= 0 || done >= 1 || started.isMissingNode() || started.isNull()) {
            return text + ", no estimated completion time";
        }
        long elapsed = Math.max(0, Duration.between(Json.instant(started), now).toSeconds());
        return text + ", " + Dates.hms(Math.round(elapsed * (1 - done) / done)) + " to go";
    }
}
