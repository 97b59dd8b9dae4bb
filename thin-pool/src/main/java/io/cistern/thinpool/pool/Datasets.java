package io.cistern.thinpool.pool;

import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Mapping;
import java.io.IOException;
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Volume and clone lifecycle and their settable properties: create, clone, destroy, rename, volsize,
 * readonly, and the property listing.
 *
 * <p>Thread-safety: metadata thread only.
 */
final class Datasets {
    /** On-disk metadata bound per mapped block, charged to a reserved volume's refreservation. */
    static final int METADATA_BYTES_PER_BLOCK = 48;

    private final Engine engine;
    private final Catalog catalog;
    private final Space space;
    private final BlockMap map;
    private final Writer writer;
    private final Snapshots snapshots;
    private final MapStore maps;
    /** Most blocks of a copy's map put in one change. */
    private static final int COPY_STRETCH = 4096;

    Datasets(Engine engine, Catalog catalog, Space space, BlockMap map, Writer writer, Snapshots snapshots) {
        this.engine = engine;
        this.catalog = catalog;
        this.space = space;
        this.map = map;
        this.writer = writer;
        this.snapshots = snapshots;
        this.maps = engine.records;
    }

    /** The refreservation of a reserved volume: every block, plus the metadata that maps it. */
    long reservationFor(long volsize, int volblocksize) {
        long unit = engine.allocator.unit();
        long meta = (volsize / volblocksize) * METADATA_BYTES_PER_BLOCK;
        return volsize + (meta + unit - 1) / unit * unit;
    }

    static void checkGeometry(long volsize, int volblocksize) {
        if (volblocksize < 4096 || volblocksize > 128 * 1024 || Integer.bitCount(volblocksize) != 1) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT,
                    "volblocksize must be a power of two from 4K to 128K: " + volblocksize);
        }
        if (volsize <= 0 || volsize % volblocksize != 0) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT,
                    "volsize must be a positive multiple of volblocksize " + volblocksize + ": " + volsize);
        }
    }

    DatasetRecord create(String name, VolumeSpec spec) {
        Catalog.checkName(name);
        checkGeometry(spec.volsize(), spec.volblocksize());
        DatasetRecord r = newHead(name, spec.volsize(), spec.volblocksize(), spec.sparse());
        r.compression = spec.compression();
        r.dedup = spec.dedup();
        space.require(r.used(), -1, "volume '" + name + "' reservation");
        return add(r);
    }

    DatasetRecord clone(DatasetRecord snap, String name, boolean sparse) {
        Catalog.checkName(name);
        if (!snap.snapshot()) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "'" + snap.name + "' is not a snapshot");
        }
        DatasetRecord r = newHead(name, snap.volsize, snap.volblocksize, sparse);
        r.originId = snap.id;
        inherit(r, catalog.get(snap.parentId));
        r.referenced = snap.referenced;
        r.logicalReferenced = snap.logicalReferenced;
        space.require(r.used(), -1, "clone '" + name + "' reservation");
        return add(r);
    }

    DatasetRecord cloneExternal(String image, long imageSize, String name, int volblocksize) {
        Catalog.checkName(name);
        long volsize = (imageSize + volblocksize - 1) / volblocksize * volblocksize;
        checkGeometry(volsize, volblocksize);
        DatasetRecord r = newHead(name, volsize, volblocksize, true);
        r.externalOrigin = image;
        return add(r);
    }

    /**
     * A new, independent volume with what {@code src} (a head or snapshot) shows, sharing its extents
     * by reference count: no data is copied (except blocks of an external image), and {@code src}
     * may be destroyed afterwards. Like a reflink copy; the copy is charged what it references.
     */
    DatasetRecord copy(DatasetRecord src, String name, boolean sparse) throws IOException {
        Catalog.checkName(name);
        DatasetRecord r = newHead(name, src.volsize, src.volblocksize, sparse);
        inherit(r, src.snapshot() ? catalog.get(src.parentId) : src);
        space.require(r.used() + externalBytes(src), -1, "copy '" + name + "'");
        r.incomplete = true; // may span commits: a crash before the end leaves it to be destroyed at open
        add(r);
        shareBlocks(src, r);
        r.incomplete = false;
        catalog.touch(r);
        space.checkThreshold();
        return r;
    }

    /** Bytes of {@code ds}'s blocks that only an external image holds (a copy must store them). */
    private long externalBytes(DatasetRecord ds) {
        long blocks = ds.volsize / ds.volblocksize;
        long sum = 0;
        for (long b = map.nextCandidate(ds, 0, blocks); b < blocks; b = map.nextCandidate(ds, b + 1, blocks)) {
            if (map.view(ds, b).external() != null) {
                sum += ds.volblocksize;
            }
        }
        return sum;
    }

    private void shareBlocks(DatasetRecord src, DatasetRecord r) throws IOException {
        long blocks = src.volsize / src.volblocksize;
        long gen = catalog.gen();
        MapStore.Update update = null; // the copy's new versions, a stretch at a time (its map is empty: runs may form)
        for (long b = map.nextCandidate(src, 0, blocks); b < blocks; b = map.nextCandidate(src, b + 1, blocks)) {
            BlockMap.View v = map.view(src, b);
            if (update != null && (v.external() != null || b >= update.first + update.n)) {
                maps.apply(engine.batch(), update);
                update = null;
            }
            if (v.external() != null) {
                ByteBuffer data = ByteBuffer.allocate(src.volblocksize);
                map.read(src, b, data);
                writer.write(r, b, new ByteBuffer[] {data.flip()});
            } else if (v.hasData()) {
                Mapping m = v.mapping();
                engine.refs.share(engine.batch(), m.offset());
                engine.ddt.referenceAdded(engine.batch(), m);
                update = update != null ? update : new MapStore.Update(r.id, b, (int) Math.min(COPY_STRETCH, blocks - b));
                update.add(b, gen, m, m.length() == r.volblocksize);
                r.referenced += m.length();
                r.usedByDataset += m.length();
                r.written += m.length();
                r.logicalReferenced += r.volblocksize;
                r.logicalUsed += r.volblocksize;
            }
            if (engine.batch().size() >= 1 << 16) {
                if (update != null) {
                    maps.apply(engine.batch(), update);
                    update = null;
                }
                engine.commit();
            }
        }
        if (update != null) {
            maps.apply(engine.batch(), update);
        }
    }

    private DatasetRecord newHead(String name, long volsize, int volblocksize, boolean sparse) {
        if (catalog.exists(name)) {
            throw new PoolException(PoolException.Kind.ALREADY_EXISTS, "'" + name + "' already exists");
        }
        DatasetRecord r = new DatasetRecord();
        r.name = name;
        r.kind = DatasetRecord.Kind.VOLUME;
        r.uuid = UUID.randomUUID();
        r.volsize = volsize;
        r.volblocksize = volblocksize;
        r.refreservation = sparse ? 0 : reservationFor(volsize, volblocksize);
        r.gen = catalog.gen();
        r.creationMillis = System.currentTimeMillis();
        return r;
    }

    /** A clone or copy stores new blocks as its origin's head does (as ZFS clones inherit). */
    private static void inherit(DatasetRecord r, DatasetRecord from) {
        r.compression = from.compression;
        r.dedup = from.dedup;
    }

    /** Sets how a head stores the blocks written from now on. */
    void setCompression(DatasetRecord h, Compression c) {
        h.compression = c;
        catalog.touch(h);
    }

    void setDedup(DatasetRecord h, Dedup d) {
        h.dedup = d;
        catalog.touch(h);
    }

    private DatasetRecord add(DatasetRecord r) {
        r.id = catalog.nextId();
        catalog.add(r, engine.batch());
        space.checkThreshold();
        return r;
    }

    void rename(DatasetRecord r, String newName) {
        if (r.snapshot()) {
            DatasetRecord h = catalog.get(r.parentId);
            String prefix = h.name + "@";
            if (!newName.startsWith(prefix)) {
                throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "a snapshot keeps its volume: '"
                        + newName + "' must start with '" + prefix + "'");
            }
            Catalog.checkName(newName.substring(prefix.length()));
            mustBeFree(newName);
            catalog.rename(r, newName, engine.batch());
            return;
        }
        Catalog.checkName(newName);
        mustBeFree(newName);
        String old = r.name;
        catalog.rename(r, newName, engine.batch());
        for (DatasetRecord s : catalog.snapshotsOf(r.id)) {
            catalog.rename(s, newName + s.name.substring(old.length()), engine.batch());
        }
    }

    private void mustBeFree(String name) {
        if (catalog.exists(name)) {
            throw new PoolException(PoolException.Kind.ALREADY_EXISTS, "'" + name + "' already exists");
        }
    }

    /** Grows or shrinks a head online; shrinking discards the blocks past the new end. */
    void setVolsize(DatasetRecord h, long volsize) throws IOException {
        checkGeometry(volsize, h.volblocksize);
        long newReservation = h.refreservation == 0 ? 0 : reservationFor(volsize, h.volblocksize);
        long usedBefore = h.used();
        long reservation = h.refreservation;
        h.refreservation = newReservation;
        long more = h.used() - usedBefore;
        h.refreservation = reservation;
        space.require(more, -1, "volsize " + volsize + " of '" + h.name + "'");
        if (volsize < h.volsize) {
            writer.unmap(h, volsize / h.volblocksize, h.volsize / h.volblocksize);
        }
        h.volsize = volsize;
        h.refreservation = newReservation;
        catalog.touch(h);
        space.checkThreshold();
    }

    /** Returns {@code h} to its latest snapshot {@code s}, volsize and reservation included. */
    void rollback(DatasetRecord h, DatasetRecord s) {
        long reservation = h.refreservation == 0 ? 0 : reservationFor(s.volsize, h.volblocksize);
        space.require(reservation - h.refreservation, -1, "rollback of '" + h.name + "' to a larger volsize");
        snapshots.rollback(h, s);
        h.refreservation = reservation;
        catalog.touch(h);
        space.checkThreshold();
    }

    void setReadonly(DatasetRecord h, boolean readonly) {
        h.readOnly = readonly;
        catalog.touch(h);
    }

    VolumeProperties properties(DatasetRecord r) {
        if (r.snapshot()) {
            DatasetRecord h = catalog.get(r.parentId);
            double ref = VolumeProperties.ratio(r.logicalReferenced, r.referenced);
            return new VolumeProperties(r.name, "snapshot", r.uuid, r.creationMillis, r.volsize, r.volblocksize, 0,
                    true, "", snapshots.unique(r), -1, r.referenced, r.written, -1, -1, -1, -1,
                    snapshots.uniqueLogical(r), r.logicalReferenced, h.compression.toString(), h.dedup.toString(),
                    ref, ref);
        }
        String origin = r.originId != 0 ? catalog.get(r.originId).name : r.externalOrigin;
        long data = r.usedByDataset + r.usedBySnapshots;
        return new VolumeProperties(r.name, "volume", r.uuid, r.creationMillis, r.volsize, r.volblocksize,
                r.refreservation, r.readOnly, origin, r.used(), space.available() + r.usedByRefreservation(),
                r.referenced, r.written, r.usedByDataset, r.usedBySnapshots, r.usedByRefreservation(), 0,
                r.logicalUsed, r.logicalReferenced, r.compression.toString(), r.dedup.toString(),
                VolumeProperties.ratio(r.logicalUsed, data), VolumeProperties.ratio(r.logicalReferenced, r.referenced));
    }
}
