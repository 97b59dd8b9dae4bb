package io.cistern.cli.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.cistern.cli.Operations;
import io.cistern.cli.api.Json;
import io.cistern.cli.format.Dates;
import io.cistern.cli.format.NiceNum;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A scrub Operation in zpool status' words: "scrub in progress since …, 45.00% done, 00:01:02 to
 * go", "scrub checked 5.24G in 00:00:03 with 0 errors on …". Cistern's scrub verifies checksums
 * and reports damage; it does not repair, so it says "checked" where zpool says "repaired".
 */
final class ScanText {
    private ScanText() {
    }

    /** The "scan:" value; continuation lines start with a tab, as zpool's do. */
    static String of(JsonNode scrub, Instant now, ZoneId zone) {
        if (scrub == null || scrub.isNull() || scrub.isMissingNode()) {
            return "none requested";
        }
        JsonNode started = scrub.path("startedAt");
        String since = started.isMissingNode() || started.isNull() ? "" : " since " + Dates.ctime(Json.instant(started), zone);
        return switch (scrub.path("state").asText()) {
            case "running" -> "scrub in progress" + since + "\n\t" + Operations.progress(scrub, now);
            case "failed" -> "scrub failed: " + scrub.path("error").asText("unknown error")
                    + (since.isEmpty() ? "" : " (started" + since.substring(" since".length()) + ")");
            default -> done(scrub, zone);
        };
    }

    private static String done(JsonNode scrub, ZoneId zone) {
        JsonNode result = scrub.path("result");
        int errors = result.path("damaged").size();
        StringBuilder text = new StringBuilder("scrub checked ").append(NiceNum.bytes(result.path("bytes").asLong()));
        JsonNode started = scrub.path("startedAt");
        JsonNode finished = scrub.path("finishedAt");
        boolean timed = finished.isTextual() || finished.isNumber();
        if (timed && (started.isTextual() || started.isNumber())) {
            text.append(" in ").append(Dates.hms(Duration.between(Json.instant(started), Json.instant(finished)).toSeconds()));
        }
        text.append(" with ").append(errors).append(errors == 1 ? " error" : " errors");
        if (timed) {
            text.append(" on ").append(Dates.ctime(Json.instant(finished), zone));
        } else if (started.isTextual() || started.isNumber()) {
            text.append(" (started ").append(Dates.ctime(Json.instant(started), zone)).append(')');
        }
        return text.toString();
    }

    /** zpool status' "errors:" value, listing what the last scrub found damaged. */
    static String errors(JsonNode scrub) {
        JsonNode damaged = scrub == null ? null : scrub.path("result").path("damaged");
        if (damaged == null || damaged.isEmpty()) {
            return "No known data errors";
        }
        StringBuilder text = new StringBuilder("Permanent errors have been detected in the following volumes:\n");
        for (JsonNode d : damaged) {
            String dataset = d.path("dataset").asText(d.path("volume").asText()); // POOL/VOLUME, or the bare volume
            text.append("\n\t").append(dataset).append(" block ").append(d.path("block").asText());
            if (d.path("reason").isTextual()) {
                text.append(": ").append(d.path("reason").asText());
            }
            if (d.path("live").isBoolean() && !d.path("live").asBoolean()) {
                text.append(" (in snapshots only)");
            }
        }
        return text.toString();
    }
}
