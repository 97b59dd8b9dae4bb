package io.cistern.cli;

/** A command line the CLI cannot accept; exit status 2 with the command's usage, as zfs(8) does. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
