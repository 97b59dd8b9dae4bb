package io.cistern.thinpool.kv;

/** The metadata store failed; the pool stops accepting writes when a commit fails. */
public final class KvException extends RuntimeException {
    public KvException(String message, Throwable cause) {
        super(message, cause);
    }
}
