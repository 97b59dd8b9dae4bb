package io.cistern.thinpool.pool;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Blocks bound for consecutive device offsets, written with one device write ({@link
 * Engine#writeData}: on a writer thread, or on the metadata thread itself for a run of at most
 * {@link Engine#INLINE_WRITE_BYTES}), a gathering one: blocks that lie next to each other in the
 * caller's buffer go as one part, a view of it, and other blocks (copies, compressed fragments) as
 * parts of their own, so a write received in many buffers (an iSCSI write's reads) is not joined
 * first. A run ends where device offsets do not follow on, or at the first new part once it holds
 * {@link #MAX_RUN_BYTES}, so the writers share a long run of held blocks. One run may serve
 * several {@link Writer} calls.
 */
final class WriteRun {
    /** Bytes after which a run takes no new part: a sync of held writes places thousands back to back. */
    static final int MAX_RUN_BYTES = 1 << 20;

    private final Engine engine;
    private final List<ByteBuffer> parts = new ArrayList<>();
    private final List<CompletableFuture<Void>> writes = new ArrayList<>(1);
    private long start;
    private long end;
    private ByteBuffer whole; // the caller's buffer the last part is a view of; null if it is a block of its own
    private int from; // where that part starts in it
    private int next; // where it ends, and a block that continues it must start

    WriteRun(Engine engine) {
        this.engine = engine;
    }

    void add(long offset, ByteBuffer data, Stored.Span span) {
        boolean follows = end > start && offset == end;
        if (follows && span != null && span.whole() == whole && span.at() == next) {
            next += data.remaining(); // the last part grows
            end += data.remaining();
            return;
        }
        if (!follows || end - start >= MAX_RUN_BYTES) {
            flush();
            start = offset;
            end = offset;
        }
        endPart();
        if (span != null) {
            whole = span.whole();
            from = span.at();
            next = from + data.remaining();
        } else {
            parts.add(data.duplicate()); // reads may still copy a held block: the device must not move its position
        }
        end += data.remaining();
    }

    void flush() {
        endPart();
        if (!parts.isEmpty()) {
            writes.add(engine.writeData(start, parts.toArray(ByteBuffer[]::new)));
            parts.clear();
        }
        start = end;
    }

    private void endPart() {
        if (whole != null) {
            parts.add(whole.slice(from, next - from));
            whole = null;
        }
    }

    CompletableFuture<Void> written() {
        return writes.size() == 1 ? writes.get(0) : CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }
}
