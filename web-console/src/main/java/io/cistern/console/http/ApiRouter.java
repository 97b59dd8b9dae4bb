package io.cistern.console.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's router: the OpenAPI document without authentication, every other route behind the bearer
 * token, and each operation run on a worker thread (pool operations block until committed), its answer
 * or failure written back on the event loop.
 *
 * <p>Routes are declared by their OpenAPI path template and get it as their name, so the document and
 * the router can be compared. A parameter named {@code name} or {@code snapshot} is a dataset name and
 * takes the rest of the path, slashes included ({@code /datasets/tank/vm1@monday}); others take one
 * segment.
 */
public final class ApiRouter {
    public static final String BASE = "/api/v1";
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");
    private static final int BODY_LIMIT = 64 * 1024;

    /** One operation: reads the request, does the work (may block), says what to answer. */
    @FunctionalInterface
    public interface Action {
        Reply run(RoutingContext ctx) throws Exception;
    }

    private final Vertx vertx;
    private final Router router;

    public ApiRouter(Vertx vertx, ApiTokens tokens, Buffer openapi) {
        this.vertx = vertx;
        this.router = Router.router(vertx);
        router.get(BASE + "/openapi.json").setName("/openapi.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json; charset=utf-8").end(openapi));
        router.route(BASE + "/*").handler(new BearerAuth(tokens));
        router.route(BASE + "/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.errorHandler(404, ctx -> Responses.error(ctx, 404, "no such endpoint: " + ctx.request().path()));
        router.errorHandler(405, ctx -> Responses.error(ctx, 405, ctx.request().method() + " is not allowed on "
                + ctx.request().path()));
        router.errorHandler(413, ctx -> Responses.error(ctx, 413, "request body over " + BODY_LIMIT + " bytes"));
        router.errorHandler(500, ctx -> Responses.error(ctx, 500, Failures.of(ctx.failure(), describe(ctx)).message()));
    }

    public ApiRouter add(HttpMethod method, String template, Action action) {
        router.routeWithRegex(method, BASE + regex(template)).setName(template).handler(ctx ->
                vertx.executeBlocking(() -> action.run(ctx), false).onComplete(done -> {
                    if (done.succeeded()) {
                        Responses.reply(ctx, done.result());
                    } else {
                        Failures.Answer a = Failures.of(done.cause(), describe(ctx));
                        Responses.error(ctx, a.status(), a.message());
                    }
                }));
        return this;
    }

    public Router router() {
        return router;
    }

    /** {@code /pools/{pool}/scrub} to {@code /pools/(?<pool>[^/]+)/scrub}; dataset names may hold slashes. */
    static String regex(String template) {
        StringBuilder out = new StringBuilder();
        Matcher m = PARAM.matcher(template);
        int at = 0;
        while (m.find()) {
            out.append(Pattern.quote(template.substring(at, m.start())));
            String name = m.group(1);
            out.append("(?<").append(name).append('>')
                    .append(name.equals("name") || name.equals("snapshot") ? ".+" : "[^/]+").append(')');
            at = m.end();
        }
        return out.append(Pattern.quote(template.substring(at))).toString();
    }

    private static String describe(RoutingContext ctx) {
        return ctx.request().method() + " " + ctx.request().path();
    }
}
