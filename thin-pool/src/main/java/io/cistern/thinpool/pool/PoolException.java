package io.cistern.thinpool.pool;

/**
 * Why a pool operation failed. Data-path futures complete exceptionally with this; management calls
 * throw it. {@link Kind} lets an adapter map failures to its own codes without parsing messages.
 */
public final class PoolException extends RuntimeException {

    public enum Kind {
        /** No space for a write, or for a snapshot's re-reservation. Reads go on. */
        OUT_OF_SPACE,
        /** A block failed its checksum: the read fails rather than return wrong data. */
        CHECKSUM,
        /** The dataset is read-only (a snapshot, or readonly=on). */
        READ_ONLY,
        NOT_FOUND,
        ALREADY_EXISTS,
        /** Refused while other datasets depend on this one (snapshots, clones). */
        BUSY,
        INVALID_ARGUMENT,
        /** The device or the metadata store failed; the pool stops accepting writes. */
        IO,
        CLOSED
    }

    private final Kind kind;
    private final long block;

    public PoolException(Kind kind, String message) {
        this(kind, -1, message, null);
    }

    public PoolException(Kind kind, long block, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.block = block;
    }

    public Kind kind() {
        return kind;
    }

    /** The first failing block of the volume, or -1. */
    public long block() {
        return block;
    }
}
