package io.cistern.thinpool.pool;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Blocks bound for consecutive device offsets, written with one device write ({@link
 * Engine#writeData}: on a writer thread, or on the metadata thread itself for a run of at most
 * {@link Engine#INLINE_WRITE_BYTES}): straight from the caller's buffer while they lie next to each
 * other in it (a run breaks where the caller's buffers do), else gathered from the blocks' own
 * buffers, for blocks that are copies already (up to {@link #MAX_GATHERED_BYTES}; the device joins
 * them, off the metadata thread). One run may serve several {@link Writer} calls.
 */
final class WriteRun {
    /** Most bytes of copies gathered into one device write: a sync of held writes places thousands back to back. */
    static final int MAX_GATHERED_BYTES = 1 << 20;

    private final Engine engine;
    private final List<ByteBuffer> blocks = new ArrayList<>();
    private final List<CompletableFuture<Void>> writes = new ArrayList<>(1);
    private long start;
    private long end;
    private ByteBuffer whole; // the caller's buffer the run lies in; null for a run of copies
    private int from; // where the run starts in it
    private int next; // where the next block must start in it

    WriteRun(Engine engine) {
        this.engine = engine;
    }

    void add(long offset, ByteBuffer data, Stored.Span span) {
        boolean continues = offset == end && (span == null ? whole == null && end - start < MAX_GATHERED_BYTES
                : span.whole() == whole && span.at() == next);
        if (!blocks.isEmpty() && !continues) {
            flush();
        }
        if (blocks.isEmpty()) {
            start = offset;
            end = offset;
            whole = span == null ? null : span.whole();
            from = span == null ? 0 : span.at();
            next = from;
        }
        next += data.remaining();
        blocks.add(data);
        end += data.remaining();
    }

    void flush() {
        if (!blocks.isEmpty()) {
            writes.add(engine.writeData(start, parts()));
        }
        blocks.clear();
    }

    /**
     * The run's bytes: one view of the caller's buffer if it lies in one, else a view of each block
     * (reads may still copy a held block, so the device must not move its position).
     */
    private ByteBuffer[] parts() {
        if (whole != null) {
            return new ByteBuffer[] {whole.slice(from, (int) (end - start))};
        }
        ByteBuffer[] parts = new ByteBuffer[blocks.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = blocks.get(i).duplicate();
        }
        return parts;
    }

    CompletableFuture<Void> written() {
        return writes.size() == 1 ? writes.get(0) : CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }
}
