package io.cistern.thinpool.pool;

import io.cistern.thinpool.csum.Crc32c;
import io.cistern.thinpool.device.BlockDevice;
import io.cistern.thinpool.device.FileDevice;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.Mapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the versioned block maps. A head's map keeps, per block, its live version and the older
 * versions its snapshots still need, newest first (see {@link Keys}). A dataset sees, per block:
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
    /** One version: birth generation and where its bytes are. */
    record Version(long birth, Mapping mapping) {
    }

    /** What a dataset sees at a block: a mapping, an external image's block, or nothing. */
    record View(Mapping mapping, BlockDevice external) {
        boolean hasData() {
            return external != null || (mapping != null && !mapping.hole());
        }
    }

    private static final View NOTHING = new View(null, null);

    private final Engine engine;
    private final Catalog catalog;
    private final Map<String, BlockDevice> images = new ConcurrentHashMap<>();

    BlockMap(Engine engine, Catalog catalog) {
        this.engine = engine;
        this.catalog = catalog;
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
        try (KeyValueStore.Cursor c = engine.batch().scan(engine.store, Keys.mapFrom(mapId, block, gen),
                Keys.mapBlock(mapId, block + 1))) {
            return c.next() ? new Version(Keys.mapBirthOf(c.key()), Mapping.decode(c.value())) : null;
        }
    }

    /** What {@code ds} sees at {@code block}. */
    View view(DatasetRecord ds, long block) {
        DatasetRecord head = ds.snapshot() ? catalog.get(ds.parentId) : ds;
        long gen = ds.snapshot() ? ds.gen : Long.MAX_VALUE;
        while (true) {
            Version v = find(head.id, block, gen);
            if (v != null) {
                return new View(v.mapping(), null);
            }
            if (head.originId != 0) {
                DatasetRecord origin = catalog.get(head.originId);
                head = catalog.get(origin.parentId);
                gen = origin.gen;
            } else if (!head.externalOrigin.isEmpty()) {
                BlockDevice image = image(head.externalOrigin);
                return (long) block * head.volblocksize < image.size() ? new View(null, image) : NOTHING;
            } else {
                return NOTHING;
            }
        }
    }

    /**
     * The first block in {@code [from, end)} where {@code ds} might show data: one with a version in
     * its own map or an origin's; {@code from} itself if an external image may show anywhere.
     */
    long nextCandidate(DatasetRecord ds, long from, long end) {
        DatasetRecord head = ds.snapshot() ? catalog.get(ds.parentId) : ds;
        long best = end;
        while (best > from) {
            try (KeyValueStore.Cursor c = engine.batch().scan(engine.store, Keys.mapBlock(head.id, from),
                    Keys.mapBlock(head.id, best))) {
                if (c.next()) {
                    best = Keys.mapBlockOf(c.key());
                }
            }
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

    /** Reads what {@code ds} sees at {@code block} into {@code dst}, which has volblocksize bytes left. */
    void read(DatasetRecord ds, long block, ByteBuffer dst) {
        read(ds.name, ds.volblocksize, block, view(ds, block), dst);
    }

    /**
     * Reads the block {@code v} (resolved earlier on the metadata thread) into {@code dst}, which has
     * {@code vbs} bytes left, checking its CRC32C. Any thread; the caller keeps the space from reuse.
     * An I/O error fails this read alone: a read changes nothing, so the pool goes on.
     */
    void read(String name, int vbs, long block, View v, ByteBuffer dst) {
        try {
            readBlock(name, vbs, block, v, dst);
        } catch (IOException e) {
            throw new PoolException(PoolException.Kind.IO, block, "read of '" + name + "' block " + block
                    + " failed: " + e.getMessage(), e);
        }
    }

    private void readBlock(String name, int vbs, long block, View v, ByteBuffer dst) throws IOException {
        ByteBuffer slot = dst.slice(dst.position(), vbs);
        if (v.external() != null) {
            long at = block * vbs;
            int n = (int) Math.min(vbs, v.external().size() - at);
            v.external().read(at, slot.slice(0, n));
            zero(slot, n, vbs);
        } else if (v.mapping() == null || v.mapping().hole()) {
            zero(slot, 0, vbs);
        } else {
            Mapping m = v.mapping();
            ByteBuffer data = slot.slice(0, m.length());
            engine.device.read(m.offset(), data);
            if (Crc32c.of(data.flip()) != m.crc()) {
                throw new PoolException(PoolException.Kind.CHECKSUM, block, "checksum mismatch in '" + name
                        + "' block " + block + " (device offset " + m.offset() + "): the block is damaged", null);
            }
            zero(slot, m.length(), vbs);
        }
        dst.position(dst.position() + vbs);
    }

    private static void zero(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            b.put(i, (byte) 0);
        }
    }

    static boolean isZero(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        while (d.remaining() >= 8) {
            if (d.getLong() != 0) {
                return false;
            }
        }
        while (d.hasRemaining()) {
            if (d.get() != 0) {
                return false;
            }
        }
        return true;
    }
}
