package io.cistern.console.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Reading a request: its JSON body and query, each value checked for type, with a message saying what is wrong. */
public final class Requests {
    private Requests() {
    }

    /** The body as a JSON object with no keys but {@code allowed}; an empty body is an empty object. */
    public static JsonObject body(RoutingContext ctx, Set<String> allowed) {
        Buffer raw = ctx.body().buffer();
        if (raw == null || raw.length() == 0) {
            return new JsonObject();
        }
        Object parsed = raw.toJsonValue();
        if (!(parsed instanceof JsonObject o)) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        only(o.fieldNames(), allowed, "field");
        return o;
    }

    /** Refuses a query parameter that is not in {@code allowed}: a typo must not be silently ignored. */
    public static void onlyQueries(RoutingContext ctx, Set<String> allowed) {
        only(ctx.queryParams().names(), allowed, "query parameter");
    }

    private static void only(Set<String> given, Set<String> allowed, String what) {
        for (String key : given) {
            if (!allowed.contains(key)) {
                throw ApiException.badRequest("unknown " + what + " '" + key + "' (known: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    public static String string(JsonObject o, String key) {
        Object v = o.getValue(key);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw ApiException.badRequest("'" + key + "' must be a non-empty string");
        }
        return s;
    }

    /** A size or count in bytes: a positive whole JSON number. */
    public static OptionalLong bytes(JsonObject o, String key) {
        Object v = o.getValue(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() <= 0
                || n instanceof Double && n.doubleValue() >= 0x1p63) {
            throw ApiException.badRequest("'" + key + "' must be a positive whole number of bytes: " + v);
        }
        return OptionalLong.of(n.longValue());
    }

    /** An on/off value: JSON true/false, or "on"/"off" as zfs writes it. */
    public static Optional<Boolean> flag(JsonObject o, String key) {
        Object v = o.getValue(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if ("on".equals(v) || "off".equals(v)) {
            return Optional.of("on".equals(v));
        }
        throw ApiException.badRequest("'" + key + "' must be true, false, \"on\" or \"off\": " + v);
    }

    /** A query parameter that may be absent but, if present, is one of {@code values}. */
    public static Optional<String> query(RoutingContext ctx, String name, Set<String> values) {
        var all = ctx.queryParam(name);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        if (all.size() > 1) {
            throw ApiException.badRequest("query parameter '" + name + "' given " + all.size() + " times");
        }
        String v = all.get(0);
        if (values != null && !values.contains(v)) {
            throw ApiException.badRequest("query parameter '" + name + "' must be one of " + String.join(", ",
                    values.stream().sorted().toList()) + ": '" + v + "'");
        }
        return Optional.of(v);
    }

    /** {@code ?name=true|false}, false when absent. */
    public static boolean booleanQuery(RoutingContext ctx, String name) {
        return query(ctx, name, Set.of("true", "false")).map(Boolean::parseBoolean).orElse(false);
    }
}
