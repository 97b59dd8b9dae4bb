package io.cistern.thinpool.pool;

import io.cistern.thinpool.alloc.Allocators;
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.BlockHasher;
import io.cistern.thinpool.dedup.Dedup;
import io.cistern.thinpool.dedup.DedupStats;
import io.cistern.thinpool.device.BlockDevice;
import io.cistern.thinpool.device.FileDevice;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.kv.RocksKeyValueStore;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.PoolRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleConsumer;
import java.util.function.Function;

/**
 * A thin pool: volumes, snapshots and clones on one device, with metadata in a key-value store.
 * The façade the daemon uses; data I/O goes through {@link Volume} handles.
 *
 * <p>Layout: the device holds a 4 KiB label (magic, pool uuid) and then the data area, in extents
 * of the allocation unit; the store holds everything else (see {@link Keys}). The label and the
 * superblock name the same uuid, so a store is never applied to the wrong device.
 *
 * <p>Crash behaviour: a commit is one device sync then one synced metadata batch. After a crash the
 * pool opens at the last commit: every write acknowledged with FUA or before a completed flush is
 * there; later writes may be missing, never half-applied; space they took is free again.
 *
 * <p>Thread-safety: all methods may be called from any thread. Management methods (create, snapshot,
 * destroy...) block until done; data-path methods on {@link Volume} never block.
 */
public final class Pool implements AutoCloseable {
    private static final byte[] MAGIC = "CISTERN-THINPOOL".getBytes(StandardCharsets.US_ASCII);
    private static final int LABEL_BYTES = 4096;
    private static final int UNIT = 4096;
    /** Bytes at each end of a device that must be zero before a pool is created on it. */
    private static final int BLANK_CHECK = 1 << 20;

    private final Engine engine;
    private final Catalog catalog;
    private final Space space;
    private final Datasets datasets;
    private final Snapshots snapshots;
    private final Destroyer destroyer;
    private final AsyncDestroy asyncDestroy;
    private final VolumeIo io;
    private final Inspector inspector;
    private final BlockMap map;
    private final Map<Long, Volume> handles = new ConcurrentHashMap<>();

    private Pool(String name, BlockDevice device, KeyValueStore store, PoolConfig config, PoolRecord sb,
            Function<ByteBuffer, byte[]> hasher) throws IOException {
        this.engine = new Engine(name, device, store, Allocators.create(config.allocator(), sb.unit()), config);
        this.catalog = new Catalog(sb);
        catalog.load(store);
        engine.mount(sb.dataStart(), sb.dataEnd());
        this.space = new Space(catalog, engine::liveBytes, sb.dataEnd() - sb.dataStart(), config.softThresholdPercent());
        this.map = new BlockMap(engine, catalog);
        Deduper deduper = new Deduper(engine, hasher);
        Writer writer = new Writer(engine, catalog, map, space, deduper);
        this.snapshots = new Snapshots(engine, catalog, space);
        this.datasets = new Datasets(engine, catalog, space, map, writer, snapshots);
        this.destroyer = new Destroyer(engine, catalog, space, snapshots);
        this.asyncDestroy = new AsyncDestroy(engine, destroyer);
        WriteBack writeBack = new WriteBack(engine, catalog, writer, space, config.writeBackBytes(),
                config.commitIntervalMillis());
        this.io = new VolumeIo(engine, catalog, map, writer, deduper, writeBack);
        this.inspector = new Inspector(engine, catalog, map);
        engine.start(() -> catalog.flushTo(engine.batch()), writeBack);
        try {
            sync(engine.durable(() -> {
                asyncDestroy.free(destroyer.finishIncomplete(), share -> { });
                return null;
            }));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** Formats {@code device} as a new, empty pool whose metadata lives in {@code store}. */
    public static Pool create(String name, BlockDevice device, KeyValueStore store, PoolConfig config) throws IOException {
        return create(name, device, store, config, BlockHasher::hash);
    }

    /** {@link #create} with another dedup hash than SHA-256 (tests force collisions with one). */
    static Pool create(String name, BlockDevice device, KeyValueStore store, PoolConfig config,
            Function<ByteBuffer, byte[]> hasher) throws IOException {
        long dataEnd = device.size() / UNIT * UNIT;
        if (dataEnd < LABEL_BYTES + 16L * UNIT) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "device of " + device.size() + " bytes is too small");
        }
        if (store.get(Keys.superblock()) != null) {
            throw new PoolException(PoolException.Kind.ALREADY_EXISTS, "the metadata store already holds a pool");
        }
        PoolRecord sb = new PoolRecord(PoolRecord.VERSION, UUID.randomUUID(), LABEL_BYTES, dataEnd, UNIT, 1, 1,
                System.currentTimeMillis());
        ByteBuffer label = ByteBuffer.allocate(LABEL_BYTES).put(MAGIC).putLong(sb.uuid().getMostSignificantBits())
                .putLong(sb.uuid().getLeastSignificantBits()).clear();
        device.write(0, label);
        device.sync();
        Batch batch = new Batch();
        batch.put(Keys.superblock(), sb.encode());
        store.write(batch, true);
        return new Pool(name, device, store, config, sb, hasher);
    }

    /** Opens an existing pool, at its last commit. */
    public static Pool open(String name, BlockDevice device, KeyValueStore store, PoolConfig config) throws IOException {
        return open(name, device, store, config, BlockHasher::hash);
    }

    /** {@link #open} with the dedup hash the pool was written with. */
    static Pool open(String name, BlockDevice device, KeyValueStore store, PoolConfig config,
            Function<ByteBuffer, byte[]> hasher) throws IOException {
        byte[] raw = store.get(Keys.superblock());
        if (raw == null) {
            throw new PoolException(PoolException.Kind.NOT_FOUND, "no pool in the metadata store");
        }
        PoolRecord sb = PoolRecord.decode(raw);
        ByteBuffer label = ByteBuffer.allocate(MAGIC.length + 16);
        device.read(0, label);
        label.flip();
        byte[] magic = new byte[MAGIC.length];
        label.get(magic);
        UUID uuid = new UUID(label.getLong(), label.getLong());
        if (!Arrays.equals(magic, MAGIC) || !uuid.equals(sb.uuid())) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "device " + device
                    + " does not carry pool " + sb.uuid() + " (label uuid " + uuid + ")");
        }
        if (device.size() < sb.dataEnd()) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "device " + device + " has " + device.size()
                    + " bytes but pool " + sb.uuid() + " needs " + sb.dataEnd());
        }
        return new Pool(name, device, store, config, sb, hasher);
    }

    /** Creates a pool on a new file (sparse or preallocated) with RocksDB metadata in {@code metaDir}. */
    public static Pool createOnFile(Path file, long size, boolean preallocate, Path metaDir, PoolConfig config)
            throws IOException {
        FileDevice device = FileDevice.create(file, size, preallocate);
        return closingOnFailure(device, metaDir, config, store -> create(file.getFileName().toString(), device, store, config));
    }

    /**
     * Creates a pool on a whole block device (its size from BLKGETSIZE64) with RocksDB metadata in
     * {@code metaDir}. Refused unless the device is blank, its first and last MiB all zeros: like
     * {@code zpool create} without -f, it never formats over a file system, a partition table or a pool.
     */
    public static Pool createOnDevice(Path device, Path metaDir, PoolConfig config) throws IOException {
        FileDevice dev = FileDevice.open(device);
        try {
            requireBlank(dev);
        } catch (IOException | RuntimeException e) {
            dev.close();
            throw e;
        }
        return closingOnFailure(dev, metaDir, config, store -> create(device.getFileName().toString(), dev, store, config));
    }

    private static void requireBlank(BlockDevice device) throws IOException {
        long span = Math.min(BLANK_CHECK, device.size());
        for (long offset : new long[] {0, device.size() - span}) {
            ByteBuffer buf = ByteBuffer.allocate((int) span);
            device.read(offset, buf);
            buf.flip();
            while (buf.hasRemaining()) {
                if (buf.get() != 0) {
                    throw new PoolException(PoolException.Kind.ALREADY_EXISTS, device + " is not blank (data at byte "
                            + (offset + buf.position() - 1) + "): it may hold a file system, a partition table or a"
                            + " pool; wipe it (wipefs -a, or blkdiscard) to create a pool on it");
                }
            }
        }
    }

    /** Opens a pool on a file (as a sparse one) or whole block device with RocksDB metadata in {@code metaDir}. */
    public static Pool openDevice(Path device, Path metaDir, PoolConfig config) throws IOException {
        return openDevice(device, false, metaDir, config);
    }

    /**
     * {@link #openDevice(Path, Path, PoolConfig)}, a file as preallocated (allocated whole now, and
     * never punched: see {@link FileDevice}) or as sparse, as {@code preallocate} says, whichever it
     * was created as: a preallocated file opened as sparse gives back what it frees from then on.
     */
    public static Pool openDevice(Path device, boolean preallocate, Path metaDir, PoolConfig config) throws IOException {
        FileDevice dev = FileDevice.open(device, preallocate);
        return closingOnFailure(dev, metaDir, config, store -> open(device.getFileName().toString(), dev, store, config));
    }

    private interface Opener {
        Pool open(KeyValueStore store) throws IOException;
    }

    /** Opens the RocksDB store and runs {@code opener}; on failure closes what was opened. */
    private static Pool closingOnFailure(BlockDevice device, Path metaDir, PoolConfig config, Opener opener)
            throws IOException {
        KeyValueStore store = null;
        try {
            store = new RocksKeyValueStore(metaDir, config.metadataCacheBytes());
            return opener.open(store);
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                store.close();
            }
            device.close();
            throw e;
        }
    }

    public Volume createVolume(String name, VolumeSpec spec) {
        return handle(sync(engine.call(() -> datasets.create(name, spec))));
    }

    /** The volume, clone or snapshot called {@code name} ("vol" or "vol@snap"). */
    public Volume volume(String name) {
        return handle(sync(engine.call(() -> catalog.find(name))));
    }

    /** Every dataset name, sorted. */
    public List<String> list() {
        return sync(engine.call(() -> catalog.visible().stream().map(r -> r.name).toList()));
    }

    /** Snapshots {@code volume} as {@code volume@snapName}; O(1). */
    public Volume snapshot(String volume, String snapName) {
        return handle(sync(engine.call(() -> snapshots.take(head(volume), snapName))));
    }

    /** A writable clone of snapshot {@code snapshot}; sparse unless {@code sparse} is false. */
    public Volume clone(String snapshot, String name, boolean sparse) {
        return handle(sync(engine.call(() -> datasets.clone(catalog.find(snapshot), name, sparse))));
    }

    /**
     * An independent copy of {@code source} (volume, clone or snapshot) that shares its blocks by
     * reference count; no data moves, and the source may be destroyed afterwards.
     */
    public Volume copy(String source, String name, boolean sparse) {
        return handle(sync(engine.call(() -> datasets.copy(catalog.find(source), name, sparse))));
    }

    /** A writable sparse clone of a read-only external base image (a file or block device). */
    public Volume cloneImage(Path image, String name, int volblocksize) {
        String path = image.toAbsolutePath().toString();
        return handle(sync(engine.call(() -> datasets.cloneExternal(path, map.image(path).size(), name, volblocksize))));
    }

    /** Returns a volume to its latest snapshot. */
    public void rollback(String snapshot) {
        sync(engine.call(() -> {
            DatasetRecord s = snapshotRecord(snapshot);
            DatasetRecord h = catalog.get(s.parentId);
            datasets.rollback(h, s);
            refresh(h);
            return null;
        }));
    }

    /**
     * Destroys a dataset and waits until its space is free; refused while it has snapshots or clones,
     * unless {@code recursive}. Other I/O goes on meanwhile.
     */
    public void destroy(String name, boolean recursive) {
        sync(destroy(name, recursive, share -> { }).done());
    }

    /**
     * Destroys a dataset, refused (before any change) while it has snapshots or clones unless
     * {@code recursive}. On return it is gone, durably; its space is then freed in the background, in
     * bounded slices between other operations, {@code progress} told the share freed (0..1, on the
     * pool thread) as it goes. A restart before the end resumes the freeing.
     */
    public Freeing destroy(String name, boolean recursive, DoubleConsumer progress) {
        Freeing freeing = sync(engine.call(() -> asyncDestroy.free(destroyer.begin(catalog.find(name), recursive),
                progress)));
        sync(engine.durable(() -> {
            handles.keySet().removeIf(id -> !catalog.has(id) || catalog.get(id).incomplete);
            return null;
        }));
        return freeing;
    }

    public void rename(String from, String to) {
        sync(engine.call(() -> {
            DatasetRecord r = catalog.find(from);
            datasets.rename(r, to);
            catalog.all().forEach(this::refresh);
            return null;
        }));
    }

    /** Changes volsize online (grow or shrink); a reserved volume's reservation follows. */
    public void setVolsize(String name, long volsize) {
        sync(engine.call(() -> {
            DatasetRecord h = head(name);
            datasets.setVolsize(h, volsize);
            refresh(h);
            return null;
        }));
    }

    public void setReadonly(String name, boolean readonly) {
        sync(engine.call(() -> {
            DatasetRecord h = head(name);
            datasets.setReadonly(h, readonly);
            refresh(h);
            return null;
        }));
    }

    /**
     * Sets how volume {@code name} stores the blocks written from now on (ZFS's {@code compression});
     * blocks already written keep theirs. Durable on return.
     */
    public void setCompression(String name, Compression compression) {
        Objects.requireNonNull(compression, "compression");
        sync(engine.durable(() -> {
            datasets.setCompression(head(name), compression);
            return null;
        }));
    }

    /** Sets whether blocks written to {@code name} from now on go through the pool's dedup table. Durable on return. */
    public void setDedup(String name, Dedup dedup) {
        Objects.requireNonNull(dedup, "dedup");
        sync(engine.durable(() -> {
            datasets.setDedup(head(name), dedup);
            return null;
        }));
    }

    /**
     * Stores a property for the pool's users (the daemon's {@code shareiscsi}), durable on return;
     * {@code value} null removes it. The pool never interprets these.
     */
    public void setUserProperty(String name, String key, String value) {
        if (!key.matches("[a-z][a-z0-9:._-]{0,63}")) {
            throw new IllegalArgumentException("bad property name " + key);
        }
        if (value != null && value.length() > 1024) {
            throw new IllegalArgumentException("property " + key + ": value longer than 1024 characters");
        }
        sync(engine.durable(() -> {
            DatasetRecord r = catalog.find(name);
            if (value == null) {
                r.userProperties.remove(key);
            } else {
                r.userProperties.put(key, value);
            }
            catalog.touch(r);
            return null;
        }));
    }

    /** The properties stored with {@link #setUserProperty}, by name. */
    public Map<String, String> userProperties(String name) {
        return sync(engine.call(() -> Map.copyOf(catalog.find(name).userProperties)));
    }

    public VolumeProperties properties(String name) {
        return sync(engine.call(() -> datasets.properties(catalog.find(name))));
    }

    public PoolProperties properties() {
        return sync(engine.call(() -> {
            KeyValueStore.CacheStats cs = engine.store.cacheStats();
            long size = space.capacity() + Space.slop(catalog.superblock().dataEnd() - catalog.superblock().dataStart());
            DedupStats dedup = engine.ddt.stats();
            return new PoolProperties(size, space.capacity(), space.used(), space.available(),
                    size - engine.allocator.freeBytes(), engine.allocator.fragmentation(), cs.hitRate(),
                    cs.capacityBytes(), engine.commits(), engine.maps.hitRate(), engine.maps.size(),
                    engine.store.memory(), dedup.ratio(), dedup, asyncDestroy.freeing());
        }));
    }

    /** Map changes so far whose records the store had to find, the map cache lacking a block (tests watch it). */
    long mapChangesFromStore() {
        return sync(engine.call(() -> engine.records.storeAnswered));
    }

    /** Reads and verifies every stored block; damage is reported, not repaired. */
    public CompletableFuture<ScrubReport> scrub() {
        return scrub(progress -> { });
    }

    /** Scrub, telling {@code progress} (on the pool thread) the estimated share done, 0..1, as it goes. */
    public CompletableFuture<ScrubReport> scrub(DoubleConsumer progress) {
        return inspector.scrub(progress);
    }

    /** Checks that maps, dead lists, freelist and counters agree; problems are listed, not repaired. */
    public CheckReport check() {
        return sync(engine.call(inspector::check));
    }

    /** Makes every write completed before this call durable. */
    public CompletableFuture<Void> flush() {
        return engine.durable(() -> null);
    }

    /** Runs {@code listener} (on another thread) each time usage rises past the soft threshold. */
    public void onSoftThreshold(Runnable listener) {
        space.addListener(listener);
    }

    /** Commits, stops the pool thread and closes the device and the store. */
    @Override
    public void close() throws IOException {
        engine.close();
        try {
            engine.store.close();
        } finally {
            engine.device.close();
            map.closeImages();
        }
    }

    VolumeIo io() {
        return io;
    }

    private DatasetRecord head(String name) {
        DatasetRecord r = catalog.find(name);
        if (r.snapshot()) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "'" + name + "' is a snapshot, not a volume");
        }
        return r;
    }

    private DatasetRecord snapshotRecord(String name) {
        DatasetRecord r = catalog.find(name);
        if (!r.snapshot()) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "'" + name + "' is not a snapshot");
        }
        return r;
    }

    private Volume handle(DatasetRecord r) {
        return handles.computeIfAbsent(r.id, id -> new Volume(this, r));
    }

    private void refresh(DatasetRecord r) {
        Volume v = handles.get(r.id);
        if (v != null) {
            v.refresh(r);
        }
    }

    /**
     * Plugs the calling thread (see the kernel's block plugging): the I/O it submits to this pool is
     * handed to the pool's thread together when it runs the returned action, one wake-up for a burst of
     * commands. It must run the action before it waits for any of that I/O; the pool's own waiting
     * methods unplug first. On a thread already plugged the action does nothing.
     */
    public Runnable plug() {
        return engine.plug();
    }

    /** Waits for a management operation, rethrowing its PoolException as itself. */
    private <T> T sync(CompletableFuture<T> f) {
        engine.unplug(); // a plugged caller would otherwise wait for an operation it keeps
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
