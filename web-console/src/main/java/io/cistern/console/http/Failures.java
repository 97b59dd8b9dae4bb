package io.cistern.console.http;

import io.cistern.thinpool.pool.PoolException;
import io.vertx.core.json.DecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure into the status and message the client sees. Refusals (bad input, no such thing,
 * conflicts, no space) carry their own message; anything else is a bug: logged with its stack trace
 * here, and the client only learns that it happened.
 */
final class Failures {
    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    record Answer(int status, String message) {
    }

    private Failures() {
    }

    static Answer of(Throwable t, String request) {
        if (t instanceof ApiException e) {
            return new Answer(e.status(), e.getMessage());
        }
        if (t instanceof PoolException e) {
            int status = status(e.kind());
            if (status == 503) {
                log.error("{}: pool failure: {}", request, e.toString());
            }
            return new Answer(status, e.getMessage());
        }
        if (t instanceof DecodeException) {
            return new Answer(400, "malformed JSON body");
        }
        log.error("{}: internal error", request, t);
        return new Answer(500, "internal error (" + t.getClass().getSimpleName() + "); see the daemon's log");
    }

    /** The HTTP status of each way a pool operation fails. */
    static int status(PoolException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> 400;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, BUSY, READ_ONLY -> 409;
            case OUT_OF_SPACE -> 507;
            case CLOSED, IO, CHECKSUM -> 503;
        };
    }
}
