package io.cistern.cli.api;

/**
 * The bearer token, or why there is none. A missing token is reported only once the daemon has
 * answered 401, so a daemon that is not running is reported as that, not as a missing token file.
 */
public record Token(String value, String problem) {
    public static Token of(String value) {
        return new Token(value, null);
    }

    public static Token missing(String problem) {
        return new Token(null, problem);
    }
}
