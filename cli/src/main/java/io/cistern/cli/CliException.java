package io.cistern.cli;

/** An operation that was refused or failed; exit status 1 with the message. */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
