package io.cistern.thinpool.kv;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.DirectSlice;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The key-value store on RocksDB, as BlueStore keeps its metadata. Reads go through one bounded LRU
 * block cache, the pool's metadata memory limit; its hit rate comes from RocksDB's statistics.
 * Commits are WriteBatches written with the WAL synced, so a batch is durable once written.
 *
 * <p>Memory: the block cache holds data blocks, index and filter blocks, and (through a
 * {@link WriteBufferManager}) the memtables, so RocksDB's resident memory is bounded by
 * {@code cacheBytes} plus what iterators pin for a moment.
 *
 * <p>Scans: the pool does one small scan per request, so each thread keeps one iterator and reuses
 * it (creating an iterator with its options and bound costs more than the seek). Its upper bound is
 * a slice over a buffer rewritten before each seek (RocksDB re-checks bounds on every seek; MyRocks
 * and LogDevice rely on it), padded with zeros to a fixed length, so RocksDB stops at or just past
 * the bound and the exact bound is checked here. It is refreshed when a write landed since its last
 * seek, as an iterator reads the store as it was when created.
 *
 * <p>Thread-safety: RocksDB is thread-safe; each reused iterator belongs to one thread.
 */
public final class RocksKeyValueStore implements KeyValueStore {
    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache;
    private final Statistics statistics;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions lazyWrite = new WriteOptions();
    private final WriteBufferManager writeBuffers;
    private final long cacheBytes;
    private final ThreadLocal<Reused> reused = new ThreadLocal<>();
    private final Set<Reused> allReused = ConcurrentHashMap.newKeySet();
    /** Writes applied so far: a reused iterator older than the latest one is refreshed before use. */
    private volatile long writes;

    /** Opens (creating if missing) the store in {@code dir} with a block cache of {@code cacheBytes}. */
    public RocksKeyValueStore(Path dir, long cacheBytes) {
        this.cacheBytes = cacheBytes;
        // Few shards: a shard must hold a whole filter block (hundreds of KiB for a large map) next to
        // its share of the memtable charge, or every point lookup reads and parses the filter again.
        this.cache = new LRUCache(cacheBytes, 2);
        this.statistics = new Statistics();
        // Memtables are charged to the cache, so they count against the same bound; each at most a
        // quarter of it, two of them (one filling while one flushes).
        this.writeBuffers = new WriteBufferManager(cacheBytes / 2, cache);
        this.options = new Options()
                .setCreateIfMissing(true)
                .setStatistics(statistics)
                .setWriteBufferManager(writeBuffers)
                .setWriteBufferSize(Math.max(1 << 20, cacheBytes / 4))
                .setMaxWriteBufferNumber(2)
                // LZ4 rather than the default Snappy: compactions run beside the I/O path, and after a
                // snapshot (dead-list keys) they took a core's tenth on 2 cores, a fifth of it in Snappy.
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(cache)
                        .setCacheIndexAndFilterBlocks(true)
                        // Point lookups (refcounts, freelist chunks) of absent keys skip most files.
                        .setFilterPolicy(new BloomFilter(10)));
        try {
            this.db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            close();
            throw new KvException("cannot open metadata store in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new KvException("metadata read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Cursor scan(byte[] from, byte[] to) {
        Reused r = reused.get();
        if (r == null && to.length <= Reused.BOUND_BYTES) {
            r = new Reused();
            reused.set(r);
            allReused.add(r);
        }
        if (r != null && !r.inUse && to.length <= Reused.BOUND_BYTES) {
            return r.scan(from, to);
        }
        return fresh(from, to); // a scan inside a scan on this thread, or an unusually long bound
    }

    private Cursor fresh(byte[] from, byte[] to) {
        Slice upper = new Slice(to);
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = db.newIterator(ro);
        it.seek(from);
        return new Cursor() {
            private boolean started;

            @Override
            public boolean next() {
                if (started) {
                    it.next();
                }
                started = true;
                return it.isValid();
            }

            @Override
            public byte[] key() {
                return it.key();
            }

            @Override
            public byte[] value() {
                return it.value();
            }

            @Override
            public void close() {
                it.close();
                ro.close();
                upper.close();
            }
        };
    }

    @Override
    public void write(Batch batch, boolean sync) {
        int length = serializedLength(batch);
        try (WriteBatch wb = length <= MAX_SERIALIZED ? new WriteBatch(serialize(batch, length)) : perOperation(batch)) {
            db.write(sync ? syncWrite : lazyWrite, wb);
            writes++; // one writer at a time: the pool's committer
        } catch (RocksDBException e) {
            throw new KvException("metadata commit failed: " + e.getMessage(), e);
        }
    }

    /**
     * Largest batch handed over serialized, so a huge one (destroying a large snapshot) does not also
     * sit in the heap as one array; those go in an operation at a time.
     */
    private static final int MAX_SERIALIZED = 16 << 20;

    /** {@code batch} built through RocksJava, a JNI call per operation. */
    static WriteBatch perOperation(Batch batch) {
        WriteBatch wb = new WriteBatch();
        batch.forEach((k, v) -> {
            try {
                if (v == null) {
                    wb.delete(k);
                } else {
                    wb.put(k, v);
                }
            } catch (RocksDBException e) {
                wb.close();
                throw new KvException("metadata batch failed: " + e.getMessage(), e);
            }
        });
        return wb;
    }

    /**
     * {@code batch} in RocksDB's WriteBatch encoding (db/write_batch.cc: a fixed64 sequence and a
     * fixed32 count, little-endian, then per operation a type byte, 1 for a put and 0 for a delete,
     * and the key and value, each a varint32 length and the bytes), handed to RocksDB in one JNI
     * call. Through JNI each put or delete copied its arrays in a call of its own: building a batch
     * of 1300 small keys that way cost 0.6 us a key, serialized 0.1 (session 24).
     */
    static byte[] serialize(Batch batch) {
        return serialize(batch, serializedLength(batch));
    }

    private static byte[] serialize(Batch batch, int length) {
        ByteBuffer out = ByteBuffer.allocate(length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putLong(0).putInt(batch.size());
        batch.forEach((k, v) -> {
            out.put(v == null ? (byte) 0 : (byte) 1);
            putBytes(out, k);
            if (v != null) {
                putBytes(out, v);
            }
        });
        return out.array();
    }

    /** Bytes of {@link #serialize}'s encoding; past Integer.MAX_VALUE, MAX_VALUE. */
    private static int serializedLength(Batch batch) {
        long[] length = {12};
        batch.forEach((k, v) -> length[0] += 1 + varintLength(k.length) + k.length
                + (v == null ? 0 : varintLength(v.length) + v.length));
        return (int) Math.min(length[0], Integer.MAX_VALUE);
    }

    private static int varintLength(int n) {
        int bytes = 1;
        while ((n >>>= 7) != 0) {
            bytes++;
        }
        return bytes;
    }

    private static void putBytes(ByteBuffer out, byte[] b) {
        int n = b.length;
        while ((n & ~0x7f) != 0) {
            out.put((byte) (n & 0x7f | 0x80));
            n >>>= 7;
        }
        out.put((byte) n);
        out.put(b);
    }

    @Override
    public CacheStats cacheStats() {
        return new CacheStats(statistics.getTickerCount(TickerType.BLOCK_CACHE_HIT),
                statistics.getTickerCount(TickerType.BLOCK_CACHE_MISS), cacheBytes);
    }

    @Override
    public MemoryUsage memory() {
        return new MemoryUsage(property("rocksdb.estimate-table-readers-mem"),
                property("rocksdb.cur-size-all-mem-tables"), property("rocksdb.block-cache-usage"),
                property("rocksdb.block-cache-pinned-usage"));
    }

    /** One of RocksDB's numeric properties (e.g. {@code rocksdb.cur-size-all-mem-tables}), or -1. */
    public long property(String name) {
        try {
            return db.getLongProperty(name);
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /** A thread's reusable iterator: one per thread, never shared, so no locking. */
    private final class Reused implements Cursor {
        static final int BOUND_BYTES = 64;
        private static final byte[] ZEROS = new byte[BOUND_BYTES];
        private final ByteBuffer bound = ByteBuffer.allocateDirect(BOUND_BYTES);
        private final DirectSlice upper = new DirectSlice(bound, BOUND_BYTES);
        private final ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        private final RocksIterator it = db.newIterator(ro);
        private long seen = writes;
        private boolean inUse;
        private boolean started;
        private byte[] to;
        private byte[] key;

        Cursor scan(byte[] from, byte[] to) {
            inUse = true;
            started = false;
            this.to = to;
            if (seen != writes) {
                seen = writes;
                try {
                    it.refresh();
                } catch (RocksDBException e) {
                    inUse = false;
                    throw new KvException("metadata read failed: " + e.getMessage(), e);
                }
            }
            bound.clear();
            bound.put(to).put(ZEROS, 0, BOUND_BYTES - to.length);
            it.seek(from);
            return this;
        }

        @Override
        public boolean next() {
            if (started) {
                it.next();
            }
            started = true;
            key = it.isValid() ? it.key() : null;
            return key != null && Arrays.compareUnsigned(key, to) < 0;
        }

        @Override
        public byte[] key() {
            return key;
        }

        @Override
        public byte[] value() {
            return it.value();
        }

        @Override
        public void close() {
            inUse = false;
        }

        void dispose() {
            it.close();
            ro.close();
            upper.close();
        }
    }

    @Override
    public void close() {
        allReused.forEach(Reused::dispose);
        allReused.clear();
        if (db != null) {
            db.close();
        }
        syncWrite.close();
        lazyWrite.close();
        options.close();
        writeBuffers.close();
        statistics.close();
        cache.close();
    }
}
