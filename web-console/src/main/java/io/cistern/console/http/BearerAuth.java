package io.cistern.console.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Lets a request through only with {@code Authorization: Bearer TOKEN} and an accepted token (RFC 6750). */
final class BearerAuth implements Handler<RoutingContext> {
    private static final String SCHEME = "bearer ";
    private final ApiTokens tokens;

    BearerAuth(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            refuse(ctx, "missing bearer token (Authorization: Bearer TOKEN)");
        } else if (!tokens.accepts(header.substring(SCHEME.length()).strip())) {
            refuse(ctx, "invalid token");
        } else {
            ctx.next();
        }
    }

    private static void refuse(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"cistern\"");
        Responses.error(ctx, 401, message);
    }
}
