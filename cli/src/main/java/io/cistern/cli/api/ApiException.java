package io.cistern.cli.api;

import io.cistern.cli.CliException;

/** The API refused a request: its HTTP status and the message of its {"error": …} body. */
public final class ApiException extends CliException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
