package io.cistern.thinpool.pool;

import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import io.cistern.thinpool.meta.DatasetRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The data path of {@link Volume}: byte ranges turned into whole-block reads and block writes. The
 * metadata thread only resolves and records mappings (one map scan per request); zero tests and
 * checksums of written data run on the caller's thread, device reads on reader threads and device
 * writes on writer threads. Partial blocks are read, patched and written whole (read-modify-write)
 * on the metadata thread. Small writes are held in memory ({@link WriteBack}) and placed later in
 * block order; reads overlay them, and other writes of their blocks place them first.
 *
 * <p>Thread-safety: methods may be called from any thread; the work runs on the pool's threads.
 */
final class VolumeIo {
    /**
     * Most blocks one {@link #status} call examines: the answer may cover fewer blocks than share
     * the status (SBC allows it; the initiator asks again from there), so one call stays short.
     */
    static final int STATUS_MAX_BLOCKS = 4096;

    private final Engine engine;
    private final Catalog catalog;
    private final BlockMap map;
    private final Writer writer;
    private final Deduper deduper;
    private final WriteBack writeBack;
    /** Each head's settings as last seen on the metadata thread: what callers store blocks with. */
    private final Map<Long, Setting> settings = new ConcurrentHashMap<>();

    private record Setting(Compression compression, Dedup dedup) {
        static final Setting DEFAULT = new Setting(Compression.DEFAULT, Dedup.OFF);
    }

    VolumeIo(Engine engine, Catalog catalog, BlockMap map, Writer writer, Deduper deduper, WriteBack writeBack) {
        this.engine = engine;
        this.catalog = catalog;
        this.map = map;
        this.writer = writer;
        this.deduper = deduper;
        this.writeBack = writeBack;
    }

    /**
     * Resolves the blocks on the metadata thread, then reads and verifies them on a reader thread
     * into {@code dst}'s remaining bytes (straight into it when the range is whole blocks), held
     * blocks copied over what the device has.
     */
    CompletableFuture<Void> read(long id, long offset, ByteBuffer dst) {
        int length = dst.remaining();
        return engine.io(() -> {
            DatasetRecord ds = catalog.live(id);
            checkRange(ds, offset, length);
            int vbs = ds.volblocksize;
            long first = offset / vbs;
            int count = length == 0 ? 0 : (int) ((offset + length - 1) / vbs - first + 1);
            BlockMap.View[] views = count == 0 ? new BlockMap.View[0] : map.views(ds, first, count);
            ByteBuffer[] held = count == 0 ? null : writeBack.overlay(id, first, count);
            for (int i = 0; held != null && i < count; i++) {
                if (held[i] != null) {
                    views[i] = BlockMap.NOTHING; // zeros, then the held bytes over them
                }
            }
            List<CompletableFuture<Void>> writing = new ArrayList<>(0);
            for (BlockMap.View v : views) {
                if (v.external() == null && v.mapping() != null && !v.mapping().hole()) {
                    writing.addAll(engine.inFlight(v.mapping().address(), v.mapping().length()));
                }
            }
            String name = ds.name;
            return engine.readers.submit(() -> {
                writing.forEach(CompletableFuture::join); // data this read resolved, still on its way
                int skip = (int) (offset - first * vbs);
                if (skip == 0 && length == count * vbs) {
                    map.read(name, vbs, first, views, dst.duplicate());
                    overlay(held, vbs, dst);
                } else { // not on block boundaries: whole blocks, then the part asked for
                    ByteBuffer whole = ByteBuffer.allocate(count * vbs);
                    map.read(name, vbs, first, views, whole);
                    overlay(held, vbs, whole.flip());
                    dst.duplicate().put(whole.position(skip).limit(skip + length));
                }
                return (Void) null;
            });
        }).thenCompose(f -> f);
    }

    /** Copies the held blocks ({@link WriteBack#overlay}) over the blocks read into {@code dst}. */
    private static void overlay(ByteBuffer[] held, int vbs, ByteBuffer dst) {
        for (int i = 0; held != null && i < held.length; i++) {
            if (held[i] != null && held[i].hasRemaining()) {
                dst.duplicate().position(dst.position() + i * vbs).put(held[i].duplicate());
            }
        }
    }

    /**
     * Tests each whole block for zeros, compresses, sums and (if the volume dedups) hashes it: on the
     * caller's thread for a small write that only needs the zero test and the sum, else on the
     * {@link Preparer}'s threads, in parallel. Then, on the metadata thread (which waits for the
     * preparation if it gets there first), holds a small write of whole blocks without FUA, or
     * records the write and writes the data on a writer thread. The blocks of a write that may be
     * held are copied here, while the caller's thread has them in its cache: the metadata thread
     * copying them from there cost it an eighth of its time in 4 KiB random writes.
     */
    CompletableFuture<Void> write(long id, int vbs, long offset, ByteBuffer[] data, boolean fua) {
        Parts src = new Parts(data);
        long first = offset / vbs;
        int count = src.length() == 0 ? 0 : (int) ((offset + src.length() - 1) / vbs - first + 1);
        Stored[] blocks = new Stored[count];
        boolean[] partial = new boolean[count];
        Setting setting = settings.getOrDefault(id, Setting.DEFAULT);
        Function<ByteBuffer, byte[]> hasher = setting.dedup() == Dedup.OFF ? null : deduper.hasher();
        boolean holdable = !fua && offset % vbs == 0 && src.length() % vbs == 0 && writeBack.holds(src.length());
        IntConsumer prepare = i -> {
            long at = (first + i) * vbs - offset; // block start relative to the data
            if (at < 0 || at + vbs > src.length()) {
                partial[i] = true;
            } else {
                blocks[i] = src.block((int) at, vbs, setting.compression(), hasher, holdable);
            }
        };
        CompletableFuture<Void> prepared;
        if (count < Preparer.CHUNK_BLOCKS && setting.compression().off() && hasher == null) {
            IntStream.range(0, count).forEach(prepare);
            prepared = CompletableFuture.completedFuture(null);
        } else {
            prepared = Preparer.forEach(count, prepare);
        }
        CompletableFuture<CompletableFuture<Void>> recorded = new CompletableFuture<>();
        // Queued at once, so the metadata thread takes the write in its place among everything else
        // submitted (a flush or snapshot after it includes it); by its turn the blocks are usually ready.
        Callable<Void> op = () -> {
            prepared.join();
            DatasetRecord h = writable(id);
            checkRange(h, offset, src.length());
            Setting now = new Setting(h.compression, h.dedup);
            if (!now.equals(settings.get(id))) {
                settings.put(id, now); // what the next write stores with
            }
            if (holdable && writeBack.hold(h, first, blocks)) {
                return null;
            }
            writeBack.sync(h, first, first + count); // older than this write, and read by its partial blocks
            for (int i = 0; i < count; i++) {
                if (partial[i]) {
                    ByteBuffer b = patched(h, first + i, offset, src);
                    blocks[i] = b == null ? null : Stored.of(b, h.compression);
                }
            }
            recorded.complete(writer.write(h, first, blocks));
            return null;
        };
        CompletableFuture<Void> done = fua ? engine.durable(op) : engine.io(op);
        // Complete once the data is on the device too (a FUA write's commit waited for it already).
        return done.thenCompose(v -> recorded.getNow(CompletableFuture.completedFuture(null)))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(ioFailure(e)));
    }

    CompletableFuture<Void> unmap(long id, long offset, long length) {
        return engine.io(() -> {
            DatasetRecord h = writable(id);
            checkRange(h, offset, length);
            int vbs = h.volblocksize;
            writeBack.sync(h, offset / vbs, (offset + length + vbs - 1) / vbs); // older than this unmap
            long firstWhole = (offset + vbs - 1) / vbs;
            long endWhole = (offset + length) / vbs;
            if (firstWhole >= endWhole) { // inside one block: zero the bytes
                zeroBytes(h, offset, length);
                return null;
            }
            zeroBytes(h, offset, firstWhole * vbs - offset);
            zeroBytes(h, endWhole * vbs, offset + length - endWhole * vbs);
            writer.unmap(h, firstWhole, endWhole);
            return null;
        });
    }

    /**
     * The run of blocks from the one holding {@code offset} with the same status, examined with one
     * map scan per {@link #STATUS_MAX_BLOCKS} at most; unwritten stretches are skipped by key. Held
     * writes answer for their blocks where they are (initiators ask before reads, so asking must not
     * place them).
     */
    CompletableFuture<Volume.Status> status(long id, long offset) {
        return engine.io(() -> {
            DatasetRecord ds = catalog.live(id);
            checkRange(ds, offset, 1);
            int vbs = ds.volblocksize;
            long first = offset / vbs;
            long end = ds.volsize / vbs;
            boolean mapped = mapped(ds, first, 1)[0];
            long b = first + 1;
            long budget = STATUS_MAX_BLOCKS;
            while (b < end && budget > 0) {
                if (!mapped) { // skip the blocks nothing was ever written to
                    b = Math.min(map.nextCandidate(ds, b, end), writeBack.nextHeld(id, b, end));
                    if (b == end) {
                        break;
                    }
                }
                int n = (int) Math.min(end - b, budget);
                boolean[] has = mapped(ds, b, n);
                int same = 0;
                while (same < n && has[same] == mapped) {
                    same++;
                }
                b += same;
                budget -= n;
                if (same < n) {
                    break;
                }
            }
            return new Volume.Status(first * vbs, (b - first) * vbs, mapped);
        });
    }

    /** Whether {@code ds} shows data at blocks {@code first..}: the held write's, else the map's. */
    private boolean[] mapped(DatasetRecord ds, long first, int count) {
        boolean[] out = map.hasData(ds, first, count);
        ByteBuffer[] held = ds.snapshot() ? null : writeBack.overlay(ds.id, first, count);
        for (int i = 0; held != null && i < count; i++) {
            if (held[i] != null) {
                out[i] = held[i].hasRemaining();
            }
        }
        return out;
    }

    /** Zeroes {@code length < 2 * volblocksize} bytes that do not cover whole blocks. */
    private void zeroBytes(DatasetRecord h, long offset, long length) {
        if (length > 0) {
            ByteBuffer zeros = ByteBuffer.allocate((int) length);
            long first = offset / h.volblocksize;
            long last = (offset + length - 1) / h.volblocksize;
            for (long b = first; b <= last; b++) {
                writer.write(h, b, new ByteBuffer[] {patched(h, b, offset, new Parts(zeros))});
            }
        }
    }

    /** Block {@code block} with the part of {@code src} (written at {@code offset}) that falls in it; null if all zeros. */
    private ByteBuffer patched(DatasetRecord h, long block, long offset, Parts src) {
        int vbs = h.volblocksize;
        long blockStart = block * vbs;
        int from = (int) Math.max(0, offset - blockStart);
        int to = (int) Math.min(vbs, offset + src.length() - blockStart);
        ByteBuffer b = ByteBuffer.allocate(vbs);
        map.read(h, block, b);
        src.copyTo((int) (blockStart + from - offset), b, from, to - from);
        b.clear();
        return BlockMap.isZero(b) ? null : b;
    }

    /** A data write that failed on its writer thread, as the pool reports I/O failures. */
    private static Throwable ioFailure(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof PoolException ? cause
                : new PoolException(PoolException.Kind.IO, -1, "write failed: " + cause.getMessage(), cause);
    }

    private DatasetRecord writable(long id) {
        DatasetRecord h = catalog.live(id);
        if (h.snapshot() || h.readOnly) {
            throw new PoolException(PoolException.Kind.READ_ONLY, "'" + h.name + "' is read-only");
        }
        return h;
    }

    private static void checkRange(DatasetRecord ds, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > ds.volsize) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "range " + offset + "+" + length
                    + " is outside '" + ds.name + "' of " + ds.volsize + " bytes");
        }
    }
}
