package io.cistern.console.http;

/**
 * A successful answer: status, JSON body ({@code JsonObject}, {@code JsonArray} or null for none) and,
 * for a created resource, where it lives.
 */
public record Reply(int status, Object body, String location) {

    public static Reply ok(Object body) {
        return new Reply(200, body, null);
    }

    public static Reply created(Object body, String location) {
        return new Reply(201, body, location);
    }

    public static Reply accepted(Object body, String location) {
        return new Reply(202, body, location);
    }

    public static Reply noContent() {
        return new Reply(204, null, null);
    }
}
