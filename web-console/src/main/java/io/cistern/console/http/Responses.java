package io.cistern.console.http;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing answers: JSON, UTF-8, and errors always as {@code {"error": message}}. */
final class Responses {
    private Responses() {
    }

    static void reply(RoutingContext ctx, Reply reply) {
        var response = ctx.response().setStatusCode(reply.status());
        if (reply.location() != null) {
            response.putHeader("Location", reply.location());
        }
        if (reply.body() == null) {
            response.end();
        } else {
            response.putHeader("Content-Type", "application/json; charset=utf-8").end(Json.encode(reply.body()));
        }
    }

    static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .end(new JsonObject().put("error", message).encode());
    }
}
