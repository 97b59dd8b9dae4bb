package io.cistern.thinpool.pool;

import io.cistern.thinpool.alloc.Allocator;
import io.cistern.thinpool.alloc.Extent;
import io.cistern.thinpool.dedup.DedupTable;
import io.cistern.thinpool.device.BlockDevice;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.Freelist;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.Mapping;
import io.cistern.thinpool.meta.RefCounts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's one metadata thread and its group commit, after BlueStore's kv_sync_thread.
 *
 * <p>Every operation runs on this thread, in submission order, so pool state needs no locks. An
 * operation records its metadata changes in the open {@link Batch} and hands its data to a writer
 * thread ({@link #writeData}), which writes it to newly allocated space (never over live data).
 * After each run of queued operations the thread commits if anyone waits for durability (FUA,
 * flush), the batch is large, or the commit interval has passed: the batch goes to a committer
 * thread, which waits for the batch's data writes, does one device sync, then one synced RocksDB
 * write for every operation since the last commit. Data thus reaches the device before the
 * metadata that points at it. Meanwhile operations go on in a new batch that reads through the one
 * in flight; one commit is in flight at a time, so commits land in order. A read that resolves a
 * mapping whose data is still being written waits for that write ({@link #inFlight}).
 *
 * <p>Space freed by an operation is recorded free in the batch but handed back to the allocator only
 * after the commit, so no write can land on bytes that a crash would bring back to life, and only
 * once no read in flight may still look at it ({@link Readers}): reads resolve their mappings here
 * and read the device on reader threads.
 *
 * <p>If a commit fails, or an operation fails other than by refusing (a {@link PoolException} thrown
 * before it changed anything), the engine fails: the in-memory state may be ahead of the disk or
 * half changed, so nothing more is committed and every later operation completes with
 * {@link PoolException.Kind#IO} until the pool is reopened at its last commit.
 */
final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /**
     * Background work adds to the open batch only while it holds fewer keys than this, and then asks
     * for a commit: commits stay small, so a FUA write never waits behind a large one.
     */
    static final int BACKGROUND_BATCH_KEYS = 1024;

    private static final byte[] EMPTY = new byte[0];

    private final String name;
    final BlockDevice device;
    final KeyValueStore store;
    final Allocator allocator;
    final Freelist freelist;
    final RefCounts refs;
    /** The pool's dedup table: an extent's entries go in the batch that frees it. */
    final DedupTable ddt;
    /** The packed extent later compressed fragments are appended to; closed when freed. */
    final OpenExtent openExtent = new OpenExtent();
    private final PoolConfig config;
    /** Bytes kept free in the file system under a file-backed pool, for the metadata store. */
    private final long headroom;
    /** The last allocation was refused for want of room below the device (logged once a spell). */
    private boolean deviceFull;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    /** Operations kept by a plugged thread ({@link #plug}), per thread. */
    private final ThreadLocal<List<Op>> plugged = new ThreadLocal<>();
    private final Thread thread;
    private final ExecutorService committer;
    /** Reader threads; submit reads on the metadata thread after resolving their mappings. */
    final Readers readers;
    /** Writer threads: device writes of new data, so the metadata thread only does bookkeeping. */
    private final ExecutorService writers;
    /** Data writes not yet on the device, by device offset (they never overlap: fresh allocations). */
    private final ConcurrentSkipListMap<Long, DataWrite> writing = new ConcurrentSkipListMap<>();
    /** Data writes of the open batch: its commit waits for them. */
    private List<CompletableFuture<Void>> dataWrites = new ArrayList<>();
    private Frees deferredFrees = new Frees();
    private List<CompletableFuture<Void>> waiters = new ArrayList<>();
    private Flight flight;
    private Runnable beforeCommit = () -> { };
    /** Small writes acknowledged but not yet placed: placed before each commit and each other operation. */
    private WriteBack writeBack;
    /** {@link #changes()} when the running operation began or last {@link #settle settled}. */
    private long settled;
    private Background background;
    /** Hot block-map entries, kept exact by the batches' change reports. */
    final MapCache maps;
    /** The block maps' records, read and changed through the batch (one for the pool). */
    final MapStore records;
    /** Versions kept for snapshots; their kills go in the batch in records at its commit. */
    final DeadList deadList;
    private Batch batch;
    private long deferredBytes;
    /** Bytes allocated since the open batch began, and in the batch before it: how much backed free space to keep. */
    private long allocatedSince;
    private long allocatedBefore;
    /** The backed free space kept: the most two commits allocated lately, and since when. */
    private long keptBacked;
    private long keptBackedSince = System.nanoTime();
    /**
     * False once the device declined a punch, which it does only if it cannot punch at all (a
     * preallocated file, a file system without holes): from then on all free space is released as
     * backed and none is trimmed, which would only move it between the allocator's indexes.
     */
    private boolean punches = true;
    private long liveBytes;
    /** Changes operations made to batches already sent (the commit hook's own are not counted). */
    private long sentChanges;
    private long lastCommit = System.nanoTime();
    private long commits;
    private volatile boolean closing;
    private volatile PoolException failure;

    Engine(String name, BlockDevice device, KeyValueStore store, Allocator allocator, PoolConfig config) {
        this.name = name;
        this.device = device;
        this.store = store;
        this.allocator = allocator;
        this.freelist = new Freelist(store, allocator.unit());
        this.refs = new RefCounts(store);
        this.ddt = new DedupTable(store, config.dedupCacheBytes());
        this.config = config;
        this.headroom = config.metadataHeadroom(device.size());
        this.maps = new MapCache(config.mapCacheBytes());
        this.records = new MapStore(this);
        this.deadList = new DeadList(this);
        this.batch = new Batch();
        this.thread = new Thread(this::loop, "pool-" + name);
        this.thread.setDaemon(true);
        this.committer = Executors.newSingleThreadExecutor(Readers.daemon("pool-" + name + "-commit"));
        this.readers = new Readers("pool-" + name + "-read", config.readThreads(), () -> queue.add(this::releaseFrees));
        this.writers = Executors.newFixedThreadPool(config.readThreads(), Readers.daemon("pool-" + name + "-write"));
    }

    /**
     * A batch on its way to disk, with what it waits for (its data writes) and what waits for it:
     * frees to release and futures to complete.
     */
    private record Flight(Batch batch, List<CompletableFuture<Void>> dataWrites, Frees frees,
            List<CompletableFuture<Void>> waiters, CompletableFuture<Void> landed) {
    }

    private record DataWrite(long end, CompletableFuture<Void> done) {
    }

    /**
     * Space freed by a batch: {@code punched} goes back to the layer below (a hole in a pool file)
     * when released; {@code kept}, what overwrites replaced, stays backed and is handed out first
     * (the writes that follow allocate as much again): so an overwrite costs the device neither a
     * punch nor, for the block that reuses the space, a new allocation (fallocate: 15-50 us on ext4,
     * page zeroing on tmpfs). Backed free space beyond what two commits allocated at most over the
     * last {@link #BACKED_FREE_HOLD_INTERVALS} commit intervals (at least {@link #BACKED_FREE_MIN}) is
     * punched after all, so a pool file stays near its live size once writing calms down, but a
     * burst of overwrites after a pause finds its space still backed.
     */
    record Frees(List<Extent> punched, List<Extent> kept) {
        Frees() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        /** Most bytes one joined extent gets: far inside {@link Engine#packed}'s length encoding. */
        private static final long MAX_JOINED = 1L << 30;

        boolean isEmpty() {
            return punched.isEmpty() && kept.isEmpty();
        }

        /**
         * Adds a freed extent on its side, joined to the last one there if it follows it: a 1 MiB
         * overwrite frees 256 blocks back to back, which the commit would otherwise sort one by one.
         */
        void add(Extent e, boolean replaced) {
            List<Extent> side = replaced ? kept : punched;
            Extent last = side.isEmpty() ? null : side.get(side.size() - 1);
            if (last != null && last.end() == e.offset() && last.length() + e.length() <= MAX_JOINED) {
                side.set(side.size() - 1, new Extent(last.offset(), last.length() + e.length()));
            } else {
                side.add(e);
            }
        }

        void addAll(Frees o) {
            punched.addAll(o.punched);
            kept.addAll(o.kept);
        }
    }

    /**
     * Space freed by overwrites is allocatable only after a commit, so under a stream of overwrites a
     * commit every interval left the pool a second of writes (a GiB and more) short, handed out from
     * new space: a sparse pool file grew by that much, and each new page cost the device an allocation
     * (on tmpfs here, a new page: 2-4x the price of an overwrite). Committing once this much waits
     * keeps overwrites in space already backed; at 1 GB/s it means 16 commits a second.
     */
    static final long COMMIT_FREED_BYTES = 64L << 20;

    /** Backed free space kept however little was allocated lately. */
    static final long BACKED_FREE_MIN = 64L << 20;
    /** How long, in commit intervals (30 s by default), the backed free space a burst needed is kept. */
    static final int BACKED_FREE_HOLD_INTERVALS = 30;

    /**
     * Data writes up to this size go to the device on the metadata thread itself: a buffered write of
     * a few KiB costs less than waking a writer thread (measured: -10..20% daemon CPU on 4 KiB random
     * writes). The price is that a write the kernel throttles (dirty pages) holds the metadata thread.
     */
    static final int INLINE_WRITE_BYTES = 16 * 1024;

    /**
     * Writes {@code parts} one after another from {@code offset} on (a gathering write), into newly
     * allocated space that the open batch will point at, on a writer thread (a small one here,
     * {@link #INLINE_WRITE_BYTES}); the batch's commit waits for it. A failed data write stops the
     * pool (the batch would point at bytes that are not there).
     * Metadata thread only.
     */
    CompletableFuture<Void> writeData(long offset, ByteBuffer[] parts) {
        long length = 0;
        for (ByteBuffer part : parts) {
            length += part.remaining();
        }
        if (length <= INLINE_WRITE_BYTES) {
            try {
                device.write(offset, parts);
                return CompletableFuture.completedFuture(null);
            } catch (IOException | RuntimeException e) {
                queue.add(() -> fail(e, List.of())); // after this operation, as from a writer thread
                return CompletableFuture.failedFuture(e);
            }
        }
        DataWrite w = new DataWrite(offset + length, new CompletableFuture<>());
        writing.put(offset, w);
        dataWrites.add(w.done());
        writers.execute(() -> {
            try {
                device.write(offset, parts);
                writing.remove(offset);
                w.done().complete(null);
            } catch (IOException | RuntimeException e) {
                writing.remove(offset);
                queue.add(() -> fail(e, List.of()));
                w.done().completeExceptionally(e);
            }
        });
        return w.done();
    }

    /** The data writes still running that overlap {@code [offset, offset + length)}. Any thread. */
    List<CompletableFuture<Void>> inFlight(long offset, long length) {
        if (writing.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<Void>> out = new ArrayList<>(1);
        Long from = writing.floorKey(offset);
        for (var e : writing.subMap(from == null ? offset : from, offset + length).entrySet()) {
            if (e.getValue().end() > offset) {
                out.add(e.getValue().done());
            }
        }
        return out;
    }

    /** Waits until no data write overlaps the range, before reading it on this thread. */
    void awaitWritten(long offset, long length) {
        inFlight(offset, length).forEach(CompletableFuture::join);
    }

    /**
     * Starts the thread; {@code hook} runs on it just before each commit (to add dirty records), and
     * {@code writeBack}'s held writes are placed before each commit and each operation but a volume's
     * I/O ({@link #io}).
     */
    void start(Runnable hook, WriteBack writeBack) {
        this.beforeCommit = hook;
        this.writeBack = writeBack;
        thread.start();
    }

    /**
     * Runs {@code op} on the metadata thread once the held writes are placed (it sees every write
     * acknowledged before it, as stored); the future completes with its result.
     */
    <T> CompletableFuture<T> call(Callable<T> op) {
        return io(() -> {
            writeBack.syncAll();
            return op.call();
        });
    }

    /**
     * {@link #call} for a volume's I/O (reads, writes, unmaps, LBA status), which sees held writes
     * where they are or places those of its own range ({@link VolumeIo}).
     */
    <T> CompletableFuture<T> io(Callable<T> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(result, () -> {
            result.complete(op.call());
            return null;
        });
        return result;
    }

    /**
     * Runs {@code op} once the held writes are placed, and completes only after the commit that makes
     * its effects and theirs durable.
     */
    CompletableFuture<Void> durable(Callable<Void> op) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        submit(result, () -> {
            writeBack.syncAll();
            op.call();
            waiters.add(result);
            return null;
        });
        return result;
    }

    private void submit(CompletableFuture<?> result, Callable<Void> task) {
        Op op = new Op(result, task);
        List<Op> kept = plugged.get();
        if (kept != null && !closing) {
            kept.add(op);
        } else {
            enqueue(op);
        }
    }

    /**
     * Queues submitted operations, or fails them if the pool is closing. One that saw the pool open
     * may be queued after the loop's last look at the queue: then it is taken back and failed here,
     * or by {@link #close}'s drain.
     */
    private void enqueue(Submitted s) {
        if (!closing) {
            queue.add(s);
            if (!closing || !queue.remove(s)) {
                return; // queued, or taken by the loop or the drain
            }
        }
        s.fail(closed());
    }

    private static PoolException closed() {
        return new PoolException(PoolException.Kind.CLOSED, "pool is closed");
    }

    /** What callers queue: run on the metadata thread, or failed if the pool closed first. */
    private sealed interface Submitted extends Runnable {
        void fail(PoolException e);
    }

    /** A submitted operation: {@link #run} on the metadata thread. */
    private final class Op implements Submitted {
        final CompletableFuture<?> result;
        final Callable<Void> task;

        Op(CompletableFuture<?> result, Callable<Void> task) {
            this.result = result;
            this.task = task;
        }

        @Override
        public void run() {
            Engine.this.run(result, task);
        }

        @Override
        public void fail(PoolException e) {
            result.completeExceptionally(e);
        }
    }

    /** A plugged thread's kept operations, handed over together. */
    private record Kept(List<Op> ops) implements Submitted {
        @Override
        public void run() {
            ops.forEach(Op::run);
        }

        @Override
        public void fail(PoolException e) {
            ops.forEach(op -> op.fail(e));
        }
    }

    /**
     * Plugs the calling thread, after the kernel's block plugging: the operations it submits are kept
     * until it runs the returned unplug action, which hands them to the metadata thread together, in
     * order: one wake-up of the metadata thread for a burst of commands instead of one per command.
     * The thread must unplug before it waits for any of them. On a plugged thread the returned action
     * does nothing.
     */
    Runnable plug() {
        if (plugged.get() != null) {
            return () -> { };
        }
        plugged.set(new ArrayList<>());
        return this::unplug;
    }

    /** Hands the calling thread's kept operations to the metadata thread, if it is plugged. */
    void unplug() {
        List<Op> kept = plugged.get();
        if (kept == null) {
            return;
        }
        plugged.remove();
        if (kept.size() == 1) {
            enqueue(kept.get(0));
        } else if (!kept.isEmpty()) {
            enqueue(new Kept(kept));
        }
    }

    /**
     * Runs {@code step} once per round of the loop, after the queued operations and before the commit
     * check, until it returns false: background work (freeing a destroyed volume) that neither waits
     * behind other operations nor holds up them or their commits, however long it goes on. The future
     * completes when the step returns false; it fails if the step fails, or when the pool closes
     * first. Metadata thread only; one at a time.
     */
    CompletableFuture<Void> background(Callable<Boolean> step) {
        if (background != null) {
            throw new IllegalStateException("background work is already running");
        }
        background = new Background(step, new CompletableFuture<>());
        return background.done();
    }

    private record Background(Callable<Boolean> step, CompletableFuture<Void> done) {
    }

    private void runBackground() {
        Background b = background;
        run(b.done(), () -> {
            if (!b.step().call()) {
                background = null;
                b.done().complete(null);
            }
            return null;
        });
        if (b.done().isCompletedExceptionally()) {
            background = null;
        }
    }

    /**
     * Runs {@code task} as one operation: if it fails having changed something, the pool fails (the
     * open batch may be half made, so it must never be committed; reopening returns to the last commit).
     */
    private void run(CompletableFuture<?> result, Callable<Void> task) {
        if (failure != null) {
            result.completeExceptionally(failure);
            return;
        }
        settled = changes();
        try {
            task.call();
        } catch (PoolException e) {
            if (changes() == settled) {
                result.completeExceptionally(e); // refused before changing anything
            } else {
                fail(e, List.of());
                result.completeExceptionally(failure);
            }
        } catch (Exception | AssertionError e) {
            fail(e, List.of());
            result.completeExceptionally(failure);
        }
    }

    /** The batch that collects the current operation's metadata changes. Metadata thread only. */
    Batch batch() {
        return batch;
    }

    /**
     * Marks the running operation's changes so far as complete and consistent on their own (held
     * writes placed before the operation proper): a refusal from here on fails the operation, not the pool.
     */
    void settle() {
        settled = changes();
    }

    /** Metadata changes made by operations so far: unchanged across an operation means it changed nothing. */
    private long changes() {
        return sentChanges + batch.changes() + freelist.marks() + deadList.marks();
    }

    /**
     * Mount, before the thread starts: rebuilds the allocator from the freelist. After an unclean
     * close, first gives the layer below the free space it may still back: free space kept backed
     * for overwrites ({@link Frees}), frees not yet punched, and space written for writes whose commit
     * never came. The allocator counts all free space as unbacked at mount, so a sparse pool file
     * would otherwise keep it until the allocator came round to it. One punch per free run; not on a
     * device whose space is the pool's alone (a block device: a discard of all its free space could
     * take minutes, for nothing).
     */
    void mount(long dataStart, long dataEnd) throws IOException {
        List<Extent> free = device.sharesSpace() && store.get(Keys.open()) != null ? new ArrayList<>() : null;
        liveBytes = freelist.load(allocator, dataStart, dataEnd, free);
        if (free != null) {
            long start = System.nanoTime();
            int punched = 0;
            for (Extent run : free) {
                if (!punch(run)) {
                    break;
                }
                punched++;
            }
            LOG.info("pool {} was not closed cleanly: {} of its {} free runs ({} bytes) given back to the device in {} ms",
                    name, punched, free.size(), allocator.freeBytes(), (System.nanoTime() - start) / 1_000_000);
        }
        batch.put(Keys.open(), EMPTY); // committed with the open's first commit; deleted by a clean close
    }

    /**
     * Records newly allocated extents in the batch, once the device has backed them. If the file
     * system below has no room for them (while the pool has), gives them back to the allocator and
     * refuses with OUT_OF_SPACE, as a full pool does: nothing has changed yet, so the pool goes on.
     */
    void allocated(List<Extent> extents) {
        PoolException refused = back(extents);
        if (refused != null) {
            extents.forEach(e -> allocator.release(e.offset(), e.length()));
            throw refused;
        }
        for (Extent e : extents) {
            freelist.allocate(batch, e.offset(), e.length());
            liveBytes += e.length();
            allocatedSince += e.length();
        }
    }

    /** Has the device back the extents; null if it did, else why not. Logs once per spell of refusals. */
    private PoolException back(List<Extent> extents) {
        for (Extent e : extents) { // usually one: the allocator hands out contiguous space
            boolean room;
            try {
                room = device.back(e.offset(), e.length(), () -> allocator.freeRunAt(e.offset() + e.length()), headroom);
            } catch (IOException x) {
                return new PoolException(PoolException.Kind.IO, -1, "cannot allocate space in " + device + ": " + x, x);
            }
            if (room == deviceFull) {
                deviceFull = !room;
                if (room) {
                    LOG.info("the file system under {} has room again: writes go on", device);
                } else {
                    LOG.warn("the file system under {} has no room for {} more bytes with {} kept free for the"
                            + " metadata: writes needing new space fail until space is freed there", device,
                            e.length(), headroom);
                }
            }
            if (!room) {
                return new PoolException(PoolException.Kind.OUT_OF_SPACE, -1, "out of space: the file system under "
                        + device + " has no room for " + e.length() + " more bytes (" + headroom
                        + " kept free for the metadata)", null);
            }
        }
        return null;
    }

    /**
     * Drops one owner of {@code e}. When it was the last, marks it free in the batch; the allocator
     * gets it back after the commit, and the device a hole unless {@code replaced} by an overwrite
     * (see {@link Frees}).
     */
    void free(Extent e, boolean replaced) {
        if (!refs.release(batch, e.offset())) {
            return;
        }
        ddt.extentFreed(batch, e.offset()); // the freelist records it at commit (recordFrees)
        openExtent.freed(e.offset());
        deferredFrees.add(e, replaced);
        deferredBytes += e.length();
        liveBytes -= e.length();
    }

    /** Drops the owner a block's version holds on its extent (a packed extent is freed whole). */
    void free(Mapping m) {
        free(m, false);
    }

    /** {@link #free(Mapping)} of a version an overwrite {@code replaced}: its space stays backed. */
    void free(Mapping m, boolean replaced) {
        ddt.referenceDropped(batch, m);
        free(new Extent(m.offset(), m.extentBytes(allocator.unit())), replaced);
    }

    /**
     * Contiguous free space taken from the allocator for a sync of held writes ({@link WriteBack}),
     * handed out in order: the blocks, sorted by their place in the volume, land side by side, and
     * their data goes to the device in few writes. (The allocator would hand them the scattered
     * backed holes that overwrites freed.) Only ever in memory: what a sync leaves goes back.
     */
    private final ArrayDeque<Extent> reservoir = new ArrayDeque<>();

    /** Takes about {@code bytes} of free space in runs of at least 1 MiB, if the allocator has them. */
    void fillReservoir(long bytes) {
        long want = (bytes + RESERVOIR_CHUNK - 1) / RESERVOIR_CHUNK * RESERVOIR_CHUNK;
        if (reservoir.isEmpty() && want > 0) {
            reservoir.addAll(allocator.allocate(want, RESERVOIR_CHUNK));
        }
    }

    private static final long RESERVOIR_CHUNK = 1L << 20;

    /** {@code want} contiguous bytes from the head of the reservoir, or null if they are not there. */
    List<Extent> fromReservoir(long want) {
        Extent e = reservoir.peekFirst();
        if (e == null || e.length() < want) {
            return null;
        }
        reservoir.pollFirst();
        if (e.length() > want) {
            reservoir.addFirst(new Extent(e.offset() + want, e.length() - want));
        }
        return new ArrayList<>(List.of(new Extent(e.offset(), want)));
    }

    /** Gives the allocator back what the sync left, as unbacked (backed again if handed out). */
    void drainReservoir() {
        for (Extent e : reservoir) {
            allocator.release(e.offset(), e.length(), false);
        }
        reservoir.clear();
    }

    /** True while the layer below refuses to back new space (a full file system under a pool file). */
    boolean deviceFull() {
        return deviceFull;
    }

    /** Bytes held by mapped extents, each counted once however many maps share it. */
    long liveBytes() {
        return liveBytes;
    }

    /** Bytes freed but not yet committed (not yet allocatable). */
    long deferredBytes() {
        return deferredBytes;
    }

    long commits() {
        return commits;
    }

    private void loop() {
        while (!closing || !queue.isEmpty()) {
            try {
                long wait = backgroundReady() ? 0 : writeBack.millisUntilDue(System.nanoTime(), config.commitIntervalMillis());
                Runnable op = queue.poll(wait, TimeUnit.MILLISECONDS);
                for (int n = 0; op != null && n < 1024; n++) {
                    op.run();
                    op = n + 1 < 1024 ? queue.poll() : null;
                }
                if (backgroundReady()) {
                    runBackground();
                }
                if (failure == null && flight == null && (needCommit() || writeBack.due(System.nanoTime()))) {
                    syncHeld();
                    startCommit();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("pool operation failed outside its future", e);
            }
        }
        syncHeld();
        if (failure == null) {
            commit();
            punchBackedFree();
            batch.delete(Keys.open());
            commit();
        }
        if (background != null) {
            background.done().completeExceptionally(new PoolException(PoolException.Kind.CLOSED,
                    "pool closed before its background work ended (it resumes at the next open)"));
        }
        committer.shutdown();
    }

    private boolean backgroundReady() {
        return background != null && failure == null && batch.size() < BACKGROUND_BATCH_KEYS;
    }

    private boolean needCommit() {
        return !waiters.isEmpty() || batch.size() >= config.maxBatchKeys() || deferredBytes >= COMMIT_FREED_BYTES
                || (background != null && batch.size() >= BACKGROUND_BATCH_KEYS)
                || (!batch.isEmpty() && System.nanoTime() - lastCommit >= config.commitIntervalMillis() * 1_000_000);
    }

    /**
     * Sends the open batch to the committer unless a commit is in flight (then the loop tries again
     * when that one lands). Operations continue meanwhile in a batch that reads through it.
     */
    private void startCommit() {
        if (flight != null) {
            return;
        }
        Frees frees = recordFrees();
        deadList.flush(batch);
        freelist.flush(batch);
        ddt.flush(batch);
        sentChanges += batch.changes();
        beforeCommit.run();
        Flight f = new Flight(batch, dataWrites, frees, waiters, new CompletableFuture<>());
        flight = f;
        batch = new Batch(f.batch());
        dataWrites = new ArrayList<>();
        deferredFrees = new Frees();
        deferredBytes = 0;
        allocatedBefore = allocatedSince;
        allocatedSince = 0;
        waiters = new ArrayList<>();
        lastCommit = System.nanoTime();
        committer.execute(() -> {
            try {
                CompletableFuture.allOf(f.dataWrites().toArray(CompletableFuture[]::new)).join();
                if (!f.batch().isEmpty()) {
                    device.sync();
                    store.write(f.batch(), true);
                }
                f.landed().complete(null);
            } catch (IOException | RuntimeException e) {
                f.landed().completeExceptionally(e);
            }
            queue.add(() -> land(f)); // back on the metadata thread
        });
    }

    /**
     * Joins the open batch's frees into runs and records them in the freelist: a 1 MiB overwrite
     * frees 256 blocks with one update of a freelist key instead of 256. The bits need not be clear
     * earlier: freed space is not allocatable before this batch lands. Returns the runs, which the
     * allocator gets when the batch lands (sorted once per commit: sorting showed in profiles).
     */
    private Frees recordFrees() {
        Frees runs = new Frees(runs(deferredFrees.punched()), runs(deferredFrees.kept()));
        for (List<Extent> side : List.of(runs.punched(), runs.kept())) {
            for (Extent run : side) {
                freelist.release(batch, run.offset(), run.length());
            }
        }
        return runs;
    }

    /** {@code extents} in offset order, those that follow each other joined into one run. */
    private List<Extent> runs(List<Extent> extents) {
        long[] sorted = packed(extents, allocator.unit());
        List<Extent> runs = new ArrayList<>();
        for (int i = 0; i < sorted.length; ) {
            long start = sorted[i] >>> RUN_LENGTH_BITS;
            long end = start;
            for (; i < sorted.length && sorted[i] >>> RUN_LENGTH_BITS == end; i++) {
                end += sorted[i] & (1L << RUN_LENGTH_BITS) - 1;
            }
            runs.add(new Extent(start * allocator.unit(), (end - start) * allocator.unit()));
        }
        return runs;
    }

    private static final int RUN_LENGTH_BITS = 24;

    /**
     * The extents as sorted longs, offset then length in allocation units ({@link #RUN_LENGTH_BITS}
     * for the length): sorted as primitives, because a 1 MiB overwrite frees 256 extents and
     * sorting them as objects was a sixth of the metadata thread's time.
     */
    private static long[] packed(List<Extent> extents, long unit) {
        long[] out = new long[extents.size()];
        int shift = Long.numberOfTrailingZeros(unit); // a power of two: no division per extent
        for (int i = 0; i < out.length; i++) {
            Extent e = extents.get(i);
            long units = e.length() >>> shift;
            long at = e.offset() >>> shift;
            if (units >= 1L << RUN_LENGTH_BITS || at >= 1L << (63 - RUN_LENGTH_BITS)) {
                throw new IllegalStateException("extent " + e + " beyond the freelist's run encoding");
            }
            out[i] = at << RUN_LENGTH_BITS | units;
        }
        Arrays.sort(out);
        return out;
    }

    /** After a flight's commit: frees its space and completes its waiters. Idempotent. */
    private void land(Flight f) {
        if (flight != f) {
            return; // already landed by commit()
        }
        flight = null;
        try {
            f.landed().join();
            batch.detach();
            readers.hold(f.frees());
        } catch (RuntimeException e) {
            fail(e, f.waiters());
            return;
        }
        releaseFrees();
        if (failure != null) {
            f.waiters().forEach(w -> w.completeExceptionally(failure));
            return;
        }
        commits++;
        f.waiters().forEach(w -> w.complete(null));
        if (failure == null && needCommit()) {
            syncHeld();
            startCommit();
        }
    }

    /** Punches and returns to the allocator the landed frees that no read in flight can see. */
    private void releaseFrees() {
        try {
            Frees released = readers.releasable(); // runs already, of one commit or more
            for (Extent run : released.kept()) {
                allocator.release(run.offset(), run.length(), true);
            }
            for (Extent run : released.punched()) { // one punch per run
                allocator.release(run.offset(), run.length(), !punches); // a double free throws before the punch
                punch(run);
            }
            long recent = allocatedBefore + allocatedSince;
            long now = System.nanoTime();
            if (recent >= keptBacked
                    || now - keptBackedSince > BACKED_FREE_HOLD_INTERVALS * config.commitIntervalMillis() * 1_000_000) {
                keptBacked = recent;
                keptBackedSince = now;
            }
            long excess = allocator.backedFreeBytes() - Math.max(BACKED_FREE_MIN, keptBacked);
            if (excess > 0 && punches) {
                unback(excess);
            }
        } catch (IOException e) {
            fail(e, List.of());
        }
    }

    /**
     * At close, gives the layer below back the free space it still backs (see {@link Frees}): the
     * next open cannot tell it from space never written, so it would stay in the pool file, unused
     * until the allocator's cursor came round to it.
     */
    private void punchBackedFree() {
        try {
            if (punches) {
                unback(allocator.backedFreeBytes());
            }
        } catch (IOException e) {
            LOG.warn("could not give back the pool's free space at close (it is reused as it is)", e);
        }
    }

    /** Gives the layer below {@code bytes} of the free space it backs, the allocator choosing which. */
    private void unback(long bytes) throws IOException {
        for (Extent e : allocator.unback(bytes)) { // what a refused punch left "unbacked" is backed when handed out
            punch(e);
        }
    }

    /** Punches {@code e} unless the device declined a punch before; false once it has declined one. */
    private boolean punch(Extent e) throws IOException {
        punches = punches && device.punchHole(e.offset(), e.length());
        return punches;
    }

    private void fail(Throwable e, List<CompletableFuture<Void>> failed) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (failure != null) { // already stopped: keep the first cause
            failed.forEach(w -> w.completeExceptionally(failure));
            return;
        }
        failure = new PoolException(PoolException.Kind.IO, -1, "pool stopped after a failure: " + cause, cause);
        LOG.error("the pool refuses further operations until reopened", cause);
        failed.forEach(w -> w.completeExceptionally(failure));
        waiters.forEach(w -> w.completeExceptionally(failure));
        waiters.clear();
    }

    /**
     * Places the held writes between operations (before a commit, when due, at close): so a commit
     * holds every write acknowledged before it. A refusal (no room below the pool) leaves them held
     * until the next try, and fails the flushes that need them.
     */
    private void syncHeld() {
        if (writeBack.isEmpty() || failure != null) {
            return;
        }
        CompletableFuture<Void> synced = new CompletableFuture<>();
        run(synced, () -> {
            writeBack.syncAll();
            return null;
        });
        synced.exceptionally(e -> { // already done: this runs here, now
            if (failure == null) {
                LOG.warn("pool {}: acknowledged writes cannot be placed yet ({}); flushes fail until they are",
                        name, e.getMessage());
            }
            return null;
        });
    }

    /**
     * Makes everything so far durable before returning, for an operation that needs it now (freed
     * space back, a check of what is on disk): waits for the flight in the air, then sends and waits
     * for the open batch. Metadata thread only. Held writes are not placed here (an operation is
     * under way): those of other operations get in the next commit.
     */
    void commit() {
        if (flight != null) {
            awaitLanding(flight);
        }
        if (failure == null) {
            startCommit();
            awaitLanding(flight);
        }
    }

    private void awaitLanding(Flight f) {
        try {
            f.landed().join();
        } catch (RuntimeException e) {
            // land() turns it into the pool's failure
        }
        land(f);
    }

    /** Stops accepting operations, runs those queued, commits, and stops the thread. */
    @Override
    public void close() {
        unplug(); // a plugged caller's kept operations run before the thread stops
        closing = true;
        queue.add(() -> { });
        try {
            thread.join();
            for (Runnable r; (r = queue.poll()) != null; ) {
                if (r instanceof Submitted s) {
                    s.fail(closed()); // queued after the loop's last look; see enqueue
                }
            }
            committer.awaitTermination(1, TimeUnit.MINUTES);
            writers.shutdown();
            writers.awaitTermination(1, TimeUnit.MINUTES);
            readers.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
