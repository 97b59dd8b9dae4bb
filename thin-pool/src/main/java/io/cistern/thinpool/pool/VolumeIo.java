package io.cistern.thinpool.pool;

import io.cistern.thinpool.meta.DatasetRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The data path of {@link Volume}: byte ranges turned into whole-block reads and block writes on
 * the pool thread. Partial blocks are read, patched and written whole (read-modify-write).
 *
 * <p>Thread-safety: methods may be called from any thread; the work runs on the pool thread.
 */
final class VolumeIo {
    /** Most blocks {@link #status} examines one by one, so one query never walks a huge volume. */
    private static final int STATUS_MAX_BLOCKS = 1 << 16;

    private final Engine engine;
    private final Catalog catalog;
    private final BlockMap map;
    private final Writer writer;

    VolumeIo(Engine engine, Catalog catalog, BlockMap map, Writer writer) {
        this.engine = engine;
        this.catalog = catalog;
        this.map = map;
        this.writer = writer;
    }

    /** Resolves the blocks on the metadata thread, then reads and verifies them on a reader thread. */
    CompletableFuture<ByteBuffer> read(long id, long offset, int length) {
        return engine.call(() -> {
            DatasetRecord ds = catalog.live(id);
            checkRange(ds, offset, length);
            int vbs = ds.volblocksize;
            long first = offset / vbs;
            int count = length == 0 ? 0 : (int) ((offset + length - 1) / vbs - first + 1);
            BlockMap.View[] views = new BlockMap.View[count];
            for (int i = 0; i < count; i++) {
                views[i] = map.view(ds, first + i);
            }
            String name = ds.name;
            return engine.readers.submit(() -> {
                ByteBuffer whole = ByteBuffer.allocate(count * vbs);
                for (int i = 0; i < count; i++) {
                    map.read(name, vbs, first + i, views[i], whole);
                }
                int skip = (int) (offset - first * vbs);
                return whole.position(skip).limit(skip + length).slice();
            });
        }).thenCompose(f -> f);
    }

    CompletableFuture<Void> write(long id, long offset, ByteBuffer data, boolean fua) {
        ByteBuffer src = data.duplicate();
        Callable<Void> op = () -> {
            DatasetRecord h = writable(id);
            checkRange(h, offset, src.remaining());
            if (src.remaining() > 0) {
                writer.write(h, offset / h.volblocksize, blocks(h, offset, src));
            }
            return null;
        };
        return fua ? engine.durable(op) : engine.call(op);
    }

    CompletableFuture<Void> unmap(long id, long offset, long length) {
        return engine.call(() -> {
            DatasetRecord h = writable(id);
            checkRange(h, offset, length);
            int vbs = h.volblocksize;
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

    CompletableFuture<Volume.Status> status(long id, long offset) {
        return engine.call(() -> {
            DatasetRecord ds = catalog.live(id);
            checkRange(ds, offset, 1);
            int vbs = ds.volblocksize;
            long first = offset / vbs;
            long end = ds.volsize / vbs;
            boolean mapped = map.view(ds, first).hasData();
            long b = first + 1;
            for (int looked = 0; b < end && looked < STATUS_MAX_BLOCKS; looked++) {
                if (!mapped) {
                    b = map.nextCandidate(ds, b, end); // skip the blocks nothing was ever written to
                    if (b == end) {
                        break;
                    }
                }
                if (map.view(ds, b).hasData() != mapped) {
                    break;
                }
                b++;
            }
            return new Volume.Status(first * vbs, (b - first) * vbs, mapped);
        });
    }

    private void zeroBytes(DatasetRecord h, long offset, long length) throws IOException {
        if (length > 0) {
            writer.write(h, offset / h.volblocksize, blocks(h, offset, ByteBuffer.allocate((int) length)));
        }
    }

    /** The whole blocks a write covers: slices of {@code src}, or patched copies of partial blocks. */
    private ByteBuffer[] blocks(DatasetRecord h, long offset, ByteBuffer src) throws IOException {
        int vbs = h.volblocksize;
        long first = offset / vbs;
        long last = (offset + src.remaining() - 1) / vbs;
        ByteBuffer[] blocks = new ByteBuffer[(int) (last - first + 1)];
        int consumed = 0;
        for (int i = 0; i < blocks.length; i++) {
            long blockStart = (first + i) * vbs;
            int from = (int) Math.max(0, offset - blockStart);
            int to = (int) Math.min(vbs, offset + src.remaining() - blockStart);
            if (from == 0 && to == vbs) {
                blocks[i] = src.slice(src.position() + consumed, vbs);
            } else {
                ByteBuffer patched = ByteBuffer.allocate(vbs);
                map.read(h, first + i, patched);
                patched.put(from, src, src.position() + consumed, to - from);
                blocks[i] = patched.clear();
            }
            consumed += to - from;
        }
        return blocks;
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
