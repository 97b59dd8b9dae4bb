package io.cistern.thinpool.kv;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A key-value store in memory, for tests and scratch pools. Every batch is "durable" the moment it
 * is written: {@link #copy()} is what a restart after a crash would find.
 *
 * <p>Thread-safety: synchronized; cursors iterate over a copy of their range.
 */
public final class MemoryKeyValueStore implements KeyValueStore {
    private final TreeMap<byte[], byte[]> data = new TreeMap<>(Arrays::compareUnsigned);
    private long gets;
    private boolean closed;

    @Override
    public synchronized byte[] get(byte[] key) {
        gets++;
        return data.get(key);
    }

    @Override
    public synchronized Cursor scan(byte[] from, byte[] to) {
        Iterator<Map.Entry<byte[], byte[]>> it = new TreeMap<>(data.subMap(from, true, to, false)).entrySet().iterator();
        return new Cursor() {
            private Map.Entry<byte[], byte[]> e;

            @Override
            public boolean next() {
                e = it.hasNext() ? it.next() : null;
                return e != null;
            }

            @Override
            public byte[] key() {
                return e.getKey();
            }

            @Override
            public byte[] value() {
                return e.getValue();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public synchronized void write(Batch batch, boolean sync) {
        if (closed) {
            throw new KvException("store is closed", null);
        }
        batch.forEach((k, v) -> {
            if (v == null) {
                data.remove(k);
            } else {
                data.put(k, v);
            }
        });
    }

    /** Everything in memory is resident: each lookup is a hit. */
    @Override
    public synchronized CacheStats cacheStats() {
        return new CacheStats(gets, 0, -1);
    }

    /** A new store holding what this one holds now: the state a restarted process would find. */
    public synchronized MemoryKeyValueStore copy() {
        MemoryKeyValueStore copy = new MemoryKeyValueStore();
        copy.data.putAll(data);
        return copy;
    }

    /** Sum of key and value bytes of keys starting with {@code prefix}, for space measurements. */
    public synchronized long bytesUnder(byte prefix) {
        long n = 0;
        for (Map.Entry<byte[], byte[]> e : data.entrySet()) {
            if (e.getKey().length > 0 && e.getKey()[0] == prefix) {
                n += e.getKey().length + e.getValue().length;
            }
        }
        return n;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
