package io.cistern.target.login;

import java.io.ByteArrayOutputStream;

/**
 * Joins the data segments of a request sent over several PDUs with the C (continue) bit
 * (RFC 7143 §6.1), refusing to buffer more than a bound so an initiator cannot exhaust memory.
 * One instance per connection; not thread-safe.
 */
public final class TextAccumulator {
    /** Default bound; RFC 7143 only requires 8192 bytes of key=value data per negotiation sequence. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private final int limit;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public TextAccumulator() {
        this(DEFAULT_LIMIT);
    }

    public TextAccumulator(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    /**
     * Adds one PDU's data segment. Returns {@link TextResult.Incomplete} while {@code continueFlag}
     * is set, otherwise the decoded whole; the buffer is emptied after a result or an error.
     */
    public TextResult append(byte[] segment, boolean continueFlag) {
        if (pending.size() + (long) segment.length > limit) {
            pending.reset();
            return new TextResult.Malformed("text spanning PDUs exceeds " + limit + " bytes");
        }
        pending.writeBytes(segment);
        if (continueFlag) {
            return new TextResult.Incomplete();
        }
        byte[] whole = pending.toByteArray();
        pending.reset();
        return TextCodec.decode(whole);
    }

    /** True while a continued text is waiting for its last PDU. */
    public boolean hasPending() {
        return pending.size() > 0;
    }
}
