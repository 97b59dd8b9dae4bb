package io.cistern.thinpool.pool;

import io.cistern.thinpool.compress.CorruptFragmentException;
import io.cistern.thinpool.csum.Crc32c;
import io.cistern.thinpool.device.BlockDevice;
import io.cistern.thinpool.device.FileDevice;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Mapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.zip.CRC32C;

/**
 * Reads the versioned block maps. A head's map keeps, per block, its live version and the older
 * versions its snapshots still need, newest first (stored as {@link MapStore} says). A dataset sees, per block:
 * <ul>
 * <li>a head: the newest version of its own map;
 * <li>a snapshot at generation g: the newest version of its head's map born at or before g;
 * <li>either, when its own map has none: what its origin snapshot sees (a clone), or the external
 * base image's bytes (a clone of a read-only image), or zeros.
 * </ul>
 * A hole version (length 0) reads as zeros and hides everything older.
 *
 * <p>Every block read is checked against its CRC32C; a mismatch fails the read with
 * {@link PoolException.Kind#CHECKSUM}, never returns the bytes.
 *
 * <p>Thread-safety: metadata thread only, except reading a resolved {@link View}.
 */
final class BlockMap {
    /**
     * One version: birth generation and where its bytes are; {@code ends} if the block is the last
     * of its map record. A record is then the stretch of one birth's versions up to such a block,
     * so it can be rebuilt from cached versions without reading it ({@link MapStore}).
     */
    record Version(long birth, Mapping mapping, boolean ends) {
    }

    /** What a dataset sees at a block: a mapping, an external image's block, or nothing. */
    record View(Mapping mapping, BlockDevice external) {
        boolean hasData() {
            return external != null || (mapping != null && !mapping.hole());
        }
    }

    static final View NOTHING = new View(null, null);
    /** Largest scratch buffer a thread keeps between reads: a 1 MiB request's fragments. */
    private static final int SCRATCH_KEPT = 1 << 20;
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0));
    private static final byte[] ZEROS = new byte[4096];
    /** CRC32C of 512 << i zero bytes, 0 until computed. */
    private static final AtomicIntegerArray ZERO_CRCS = new AtomicIntegerArray(16);
    private static final ByteBuffer ZERO_BUFFER = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private final Engine engine;
    private final Catalog catalog;
    private final MapStore maps;
    private final Map<String, BlockDevice> images = new ConcurrentHashMap<>();

    BlockMap(Engine engine, Catalog catalog) {
        this.engine = engine;
        this.catalog = catalog;
        this.maps = engine.records;
    }

    /** The external base image at {@code path}, opened read-only on first use; a missing one fails reads. */
    BlockDevice image(String path) {
        return images.computeIfAbsent(path, p -> {
            try {
                return FileDevice.openReadOnly(Path.of(p));
            } catch (IOException e) {
                throw new PoolException(PoolException.Kind.IO, -1, "cannot open base image " + p + ": " + e.getMessage(), e);
            }
        });
    }

    void closeImages() throws IOException {
        for (BlockDevice d : images.values()) {
            d.close();
        }
    }

    /** The newest version of {@code block} in map {@code mapId} born at or before {@code gen}, or null. */
    Version find(long mapId, long block, long gen) {
        return find(mapId, block, 1, gen)[0];
    }

    /**
     * {@link #find} for blocks {@code first..first+count-1} with one scan of the map: element i is the
     * newest version of block first+i born at or before {@code gen}, or null.
     */
    Version[] find(long mapId, long first, int count, long gen) {
        return find(mapId, first, count, gen, null);
    }

    /** As {@link #find(long, long, int, long)}; sets {@code older[i]} if block first+i has an older version too. */
    Version[] find(long mapId, long first, int count, long gen, boolean[] older) {
        Version[][] all = versions(mapId, first, count);
        Version[] out = new Version[count];
        for (int i = 0; i < count; i++) {
            Version[] vs = all[i];
            for (int j = 0; j < vs.length; j++) {
                if (vs[j].birth() <= gen) { // versions of a block come newest first
                    out[i] = vs[j];
                    if (older != null) {
                        older[i] = j + 1 < vs.length;
                    }
                    break;
                }
            }
        }
        return out;
    }

    /** Every version of blocks {@code first..first+count-1}, newest first: from the map cache, else one scan that fills it. */
    private Version[][] versions(long mapId, long first, int count) {
        MapCache cache = engine.maps;
        Version[][] all = new Version[count][];
        boolean complete = true;
        for (int i = 0; i < count && complete; i++) {
            all[i] = cache.get(mapId, first + i);
            complete = all[i] != null;
        }
        if (complete) {
            return all;
        }
        all = maps.versions(mapId, first, count);
        for (int i = 0; i < count; i++) {
            cache.put(mapId, first + i, all[i]);
        }
        return all;
    }

    /** What {@code ds} sees at {@code block}. */
    View view(DatasetRecord ds, long block) {
        return views(ds, block, 1)[0];
    }

    /**
     * Whether {@code ds} shows data at blocks {@code first..first+count-1}, as {@link #views} would
     * tell: for a head, from the map cache without making objects where every block is cached and
     * none shows through to an origin; else through the views.
     */
    boolean[] hasData(DatasetRecord ds, long first, int count) {
        boolean[] out = new boolean[count];
        if (!ds.snapshot() && cachedHasData(ds, first, out)) {
            return out;
        }
        View[] views = views(ds, first, count);
        for (int i = 0; i < count; i++) {
            out[i] = views[i].hasData();
        }
        return out;
    }

    /** {@link #hasData} of head {@code h} from the map cache alone; false if a block needs its views. */
    private boolean cachedHasData(DatasetRecord h, long first, boolean[] out) {
        boolean inherits = h.originId != 0 || !h.externalOrigin.isEmpty();
        for (int i = 0; i < out.length; i++) {
            byte newest = engine.maps.newest(h.id, first + i);
            if (newest == MapCache.UNCACHED || newest == MapCache.UNWRITTEN && inherits) {
                return false;
            }
            out[i] = newest == MapCache.DATA;
        }
        return true;
    }

    /** What {@code ds} sees at blocks {@code first..first+count-1}: one map scan per map on the way. */
    View[] views(DatasetRecord ds, long first, int count) {
        DatasetRecord head = ds.snapshot() ? catalog.get(ds.parentId) : ds;
        Version[] own = find(head.id, first, count, ds.snapshot() ? ds.gen : Long.MAX_VALUE);
        View[] out = new View[count];
        View[] below = null;
        for (int i = 0; i < count; i++) {
            if (own[i] != null) {
                out[i] = new View(own[i].mapping(), null);
            } else {
                below = below != null ? below : inherited(head, first, count);
                out[i] = below[i];
            }
        }
        return out;
    }

    /**
     * What head {@code h} shows at blocks {@code first..first+count-1} from below its own map: what
     * its origin snapshot sees, or its external image's bytes, or nothing.
     */
    View[] inherited(DatasetRecord h, long first, int count) {
        if (h.originId != 0) {
            return views(catalog.get(h.originId), first, count);
        }
        View[] out = new View[count];
        BlockDevice image = h.externalOrigin.isEmpty() ? null : image(h.externalOrigin);
        for (int i = 0; i < count; i++) {
            boolean inImage = image != null && (first + i) * h.volblocksize < image.size();
            out[i] = inImage ? new View(null, image) : NOTHING;
        }
        return out;
    }

    /**
     * The first block in {@code [from, end)} where {@code ds} might show data: one with a version in
     * its own map or an origin's; {@code from} itself if an external image may show anywhere.
     */
    long nextCandidate(DatasetRecord ds, long from, long end) {
        DatasetRecord head = ds.snapshot() ? catalog.get(ds.parentId) : ds;
        long best = end;
        while (best > from) {
            best = maps.firstMapped(head.id, from, best);
            if (head.originId != 0) {
                head = catalog.get(catalog.get(head.originId).parentId);
            } else if (!head.externalOrigin.isEmpty()) {
                return from;
            } else {
                break;
            }
        }
        return best;
    }

    /** Reads what {@code ds} sees at {@code block} into {@code dst}, which has volblocksize bytes left. Metadata thread. */
    void read(DatasetRecord ds, long block, ByteBuffer dst) {
        View v = view(ds, block);
        if (v.hasData() && v.external() == null) {
            engine.awaitWritten(v.mapping().address(), v.mapping().length());
        }
        read(ds.name, ds.volblocksize, block, new View[] {v}, dst);
    }

    /**
     * Reads blocks {@code first..} as resolved earlier on the metadata thread ({@code views}) into
     * {@code dst}, which has {@code views.length * vbs} bytes left, checking each block's CRC32C.
     * Blocks whose bytes lie back to back on the device (whole blocks, or the fragments of a packed
     * extent) are read with one device read: whole blocks straight into {@code dst}, fragments into
     * this thread's scratch buffer, then decompressed into {@code dst}. Any thread; the caller keeps
     * the space from reuse and waited for data writes in flight. An I/O error fails this read alone:
     * a read changes nothing, so the pool goes on. After a failure {@code dst} holds unchecked bytes.
     */
    void read(String name, int vbs, long first, View[] views, ByteBuffer dst) {
        int base = dst.position();
        boolean[] done = gather(name, vbs, first, views, dst, base);
        for (int i = 0; i < views.length; ) {
            if (done[i]) {
                i++;
                continue;
            }
            int n = 1;
            if (stored(views[i])) {
                long next = views[i].mapping().address() + views[i].mapping().length();
                while (i + n < views.length && stored(views[i + n]) && views[i + n].mapping().address() == next) {
                    next += views[i + n].mapping().length();
                    n++;
                }
            }
            ByteBuffer run = dst.slice(base + i * vbs, n * vbs);
            try {
                readRun(name, vbs, first + i, views, i, n, run);
            } catch (IOException e) {
                throw new PoolException(PoolException.Kind.IO, first + i, "read of '" + name + "' block " + (first + i)
                        + " failed: " + e.getMessage(), e);
            }
            i += n;
        }
        dst.position(base + views.length * vbs);
    }

    /** Most bytes between two blocks that {@link #gather} reads through (and drops). */
    private static final int GATHER_GAP = 32 * 1024;
    /**
     * Most bytes one device read (of a run, or gathering) brings in before they are checked: a 1 MiB
     * read left half its bytes out of the cache by the time CRC32C reached them, which then ran at
     * the memory's speed instead of the cache's.
     */
    private static final int CHECKED_READ = 128 * 1024;

    /**
     * Reads the whole raw blocks that lie alone in the volume's order (neither neighbour follows them
     * on the device) but near each other on the device, with one scattering device read per group
     * straight into {@code dst}, reading gaps of up to {@link #GATHER_GAP} into this thread's scratch
     * buffer: small writes placed in block order at a sync ({@link WriteBack}) put a 1 MiB range's
     * blocks in a few such groups. Returns which blocks it read.
     */
    private boolean[] gather(String name, int vbs, long first, View[] views, ByteBuffer dst, int base) {
        boolean[] done = new boolean[views.length];
        long[] keys = new long[views.length];
        int n = 0;
        for (int i = 0; i < views.length; i++) {
            if (raw(views[i], vbs) && !follows(views, i - 1, i) && !follows(views, i, i + 1)) {
                keys[n++] = views[i].mapping().address() << GATHER_INDEX_BITS | i;
            }
        }
        if (n < 2) {
            return done;
        }
        Arrays.sort(keys, 0, n); // by device offset
        ByteBuffer[] parts = new ByteBuffer[2 * n]; // blocks and the gaps between them
        for (int g = 0; g < n; ) {
            long start = keys[g] >>> GATHER_INDEX_BITS;
            long last = start;
            int end = g + 1;
            for (; end < n; end++) {
                long at = keys[end] >>> GATHER_INDEX_BITS;
                // a block at the same offset as the last (deduplicated) cannot share the read
                if (at < last + vbs || at - (last + vbs) > GATHER_GAP || at + vbs - start > CHECKED_READ) {
                    break;
                }
                last = at;
            }
            if (end - g >= 2) {
                int k = g;
                try {
                    engine.device.read(start, gatherParts(vbs, keys, g, end, dst, base, parts));
                    for (; k < end; k++) {
                        int i = (int) (keys[k] & (1 << GATHER_INDEX_BITS) - 1);
                        verified(name, first + i, views[i].mapping(), dst.slice(base + i * vbs, vbs));
                        done[i] = true;
                    }
                } catch (IOException e) {
                    long block = first + (keys[k] & (1 << GATHER_INDEX_BITS) - 1);
                    throw new PoolException(PoolException.Kind.IO, block, "read of '" + name + "' block " + block
                            + " failed: " + e.getMessage(), e);
                }
            }
            g = end;
        }
        return done;
    }

    /** The parts of one gathering read of blocks {@code keys[g..end)}: each block's place in {@code dst}, and the gaps. */
    private static ByteBuffer[] gatherParts(int vbs, long[] keys, int g, int end, ByteBuffer dst, int base, ByteBuffer[] parts) {
        ByteBuffer gap = scratch(GATHER_GAP);
        int p = 0;
        long next = keys[g] >>> GATHER_INDEX_BITS;
        for (int k = g; k < end; k++) {
            long at = keys[k] >>> GATHER_INDEX_BITS;
            if (at > next) {
                parts[p++] = gap.slice(0, (int) (at - next));
            }
            parts[p++] = dst.slice(base + (int) (keys[k] & (1 << GATHER_INDEX_BITS) - 1) * vbs, vbs);
            next = at + vbs;
        }
        return Arrays.copyOf(parts, p);
    }

    /** Bits of a gathered block's index in its read (a read has fewer than 2^20 blocks). */
    private static final int GATHER_INDEX_BITS = 20;

    private static boolean raw(View v, int vbs) {
        return stored(v) && !v.mapping().packed() && v.mapping().length() == vbs;
    }

    /** True if block {@code b}'s bytes follow block {@code a}'s on the device. */
    private static boolean follows(View[] views, int a, int b) {
        return a >= 0 && b < views.length && stored(views[a]) && stored(views[b])
                && views[a].mapping().address() + views[a].mapping().length() == views[b].mapping().address();
    }

    /** {@code got}, unless its CRC32C differs from the mapping's: then the block is damaged. */
    private static ByteBuffer verified(String name, long block, Mapping m, ByteBuffer got) {
        if (Crc32c.of(got) != m.crc()) {
            throw new PoolException(PoolException.Kind.CHECKSUM, block, "checksum mismatch in '" + name
                    + "' block " + block + " (device offset " + m.address() + "): the block is damaged", null);
        }
        return got;
    }

    /** True if the view's bytes are on this pool's device. */
    private static boolean stored(View v) {
        return v.external() == null && v.mapping() != null && !v.mapping().hole();
    }

    /** Reads {@code n} blocks from {@code views[at]} into {@code run}: several only if stored back to back. */
    private void readRun(String name, int vbs, long block, View[] views, int at, int n, ByteBuffer run) throws IOException {
        View v = views[at];
        if (v.external() != null) {
            long pos = block * vbs;
            int len = (int) Math.min(vbs, v.external().size() - pos);
            v.external().read(pos, run.slice(0, len));
            zero(run, len, vbs);
            return;
        }
        if (!stored(v)) {
            zero(run, 0, vbs);
            return;
        }
        long start = v.mapping().address();
        Mapping last = views[at + n - 1].mapping();
        int bytes = (int) (last.address() + last.length() - start);
        boolean whole = true; // every block raw and full length: read straight into run
        for (int k = 0; k < n && whole; k++) {
            whole = !views[at + k].mapping().packed() && views[at + k].mapping().length() == vbs;
        }
        ByteBuffer stored = whole ? run : scratch(bytes);
        for (int k = 0, next = 0; k < n; k++) {
            Mapping m = views[at + k].mapping();
            if (k == next) { // read the run's next piece, checked below while its bytes are in the cache
                long end = m.address() + m.length();
                for (next = k + 1; next < n; next++) {
                    Mapping o = views[at + next].mapping();
                    if (o.address() + o.length() - m.address() > CHECKED_READ) {
                        break;
                    }
                    end = o.address() + o.length();
                }
                engine.device.read(m.address(), stored.slice((int) (m.address() - start), (int) (end - m.address())));
            }
            ByteBuffer got = verified(name, block + k, m, stored.slice((int) (m.address() - start), m.length()));
            if (whole) {
                continue;
            }
            ByteBuffer out = run.slice(k * vbs, vbs);
            if (m.packed()) {
                decompress(name, block + k, m, got, out);
            } else { // a raw block stored shorter than the grain ends in zeros
                out.put(got);
                zero(out, m.length(), vbs);
            }
        }
    }

    private static void decompress(String name, long block, Mapping m, ByteBuffer fragment, ByteBuffer dst) {
        try {
            m.codec().decompress(fragment, dst, dst.remaining());
        } catch (CorruptFragmentException e) {
            throw new PoolException(PoolException.Kind.CHECKSUM, block, "'" + name + "' block " + block
                    + " does not decompress: " + e.getMessage(), e);
        }
    }

    /**
     * This thread's direct buffer for {@code bytes} bytes of fragments: the device reads into it
     * without the JDK's own bounce copy, and it is kept for the next read up to {@link #SCRATCH_KEPT}.
     */
    private static ByteBuffer scratch(int bytes) {
        ByteBuffer b = SCRATCH.get();
        if (b.capacity() >= bytes) {
            return b.clear();
        }
        b = ByteBuffer.allocateDirect(bytes);
        if (bytes <= SCRATCH_KEPT) {
            SCRATCH.set(b);
        }
        return b;
    }

    private static void zero(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i += ZEROS.length) {
            b.put(i, ZEROS, 0, Math.min(ZEROS.length, to - i));
        }
    }

    /** The CRC32C of {@code length} zero bytes (cached for the power-of-two sizes blocks have). */
    static int zeroCrc(int length) {
        int i = Integer.numberOfTrailingZeros(length) - 9;
        if (Integer.bitCount(length) != 1 || i < 0 || i >= ZERO_CRCS.length()) {
            return zeroCrcOf(length);
        }
        int crc = ZERO_CRCS.get(i);
        if (crc == 0) { // not computed yet (a size whose zeros summed to 0 would only be recomputed each time)
            crc = zeroCrcOf(length);
            ZERO_CRCS.set(i, crc);
        }
        return crc;
    }

    private static int zeroCrcOf(int length) {
        CRC32C crc = new CRC32C();
        for (int done = 0; done < length; done += ZEROS.length) {
            crc.update(ZEROS, 0, Math.min(ZEROS.length, length - done));
        }
        return (int) crc.getValue();
    }

    /**
     * True if every byte of {@code b} (between position and limit) is zero: compared against a zero
     * buffer with {@link ByteBuffer#mismatch}, which the JDK vectorizes (34 GB/s here, against 3-5
     * for a loop of getLong; every written block passes through this).
     */
    static boolean isZero(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        while (d.hasRemaining()) {
            int n = Math.min(d.remaining(), ZERO_BUFFER.capacity());
            if (d.slice(d.position(), n).mismatch(ZERO_BUFFER.slice(0, n)) >= 0) {
                return false;
            }
            d.position(d.position() + n);
        }
        return true;
    }
}
