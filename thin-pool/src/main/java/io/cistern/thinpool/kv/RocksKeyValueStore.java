package io.cistern.thinpool.kv;

import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
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
import org.rocksdb.WriteOptions;

/**
 * The key-value store on RocksDB, as BlueStore keeps its metadata. Reads go through one bounded LRU
 * block cache, the pool's metadata memory limit; its hit rate comes from RocksDB's statistics.
 * Commits are WriteBatches written with the WAL synced, so a batch is durable once written.
 *
 * <p>Thread-safety: RocksDB is thread-safe.
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
    private final long cacheBytes;

    /** Opens (creating if missing) the store in {@code dir} with a block cache of {@code cacheBytes}. */
    public RocksKeyValueStore(Path dir, long cacheBytes) {
        this.cacheBytes = cacheBytes;
        this.cache = new LRUCache(cacheBytes);
        this.statistics = new Statistics();
        this.options = new Options()
                .setCreateIfMissing(true)
                .setStatistics(statistics)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setCacheIndexAndFilterBlocks(true));
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
        try (WriteBatch wb = new WriteBatch()) {
            batch.forEach((k, v) -> {
                try {
                    if (v == null) {
                        wb.delete(k);
                    } else {
                        wb.put(k, v);
                    }
                } catch (RocksDBException e) {
                    throw new KvException("metadata batch failed: " + e.getMessage(), e);
                }
            });
            db.write(sync ? syncWrite : lazyWrite, wb);
        } catch (RocksDBException e) {
            throw new KvException("metadata commit failed: " + e.getMessage(), e);
        }
    }

    @Override
    public CacheStats cacheStats() {
        return new CacheStats(statistics.getTickerCount(TickerType.BLOCK_CACHE_HIT),
                statistics.getTickerCount(TickerType.BLOCK_CACHE_MISS), cacheBytes);
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
        }
        syncWrite.close();
        lazyWrite.close();
        options.close();
        statistics.close();
        cache.close();
    }
}
