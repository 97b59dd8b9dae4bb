package io.cistern.thinpool.kv;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Metadata changes not yet committed, readable through (like RocksDB's WriteBatchWithIndex): the
 * pool reads its own uncommitted mappings via {@link #get} and {@link #scan}, which merge this batch
 * over its parent (the batch being committed meanwhile, if any) over a store. Applied all or nothing
 * by {@link KeyValueStore#write}.
 *
 * <p>Thread-safety: none; owned by the pool's metadata thread until handed to the store.
 */
public final class Batch {
    private static final byte[] DELETED = new byte[0];
    private final TreeMap<byte[], byte[]> ops = new TreeMap<>(Arrays::compareUnsigned);
    private volatile Batch parent;
    private long changes;

    public Batch() {
        this(null);
    }

    /** A batch read over {@code parent} (may be null), an earlier batch still on its way to the store. */
    public Batch(Batch parent) {
        this.parent = parent;
    }

    /** Forgets the parent once it is in the store (reading through it would give the same answers). */
    public void detach() {
        parent = null;
    }

    public void put(byte[] key, byte[] value) {
        ops.put(key, value);
        changes++;
    }

    public void delete(byte[] key) {
        ops.put(key, DELETED);
        changes++;
    }

    /** Puts and deletes so far: tells whether an operation changed the batch. */
    public long changes() {
        return changes;
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    public int size() {
        return ops.size();
    }

    /** Visits every operation in key order; {@code value} is null for a delete. */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        ops.forEach((k, v) -> visitor.accept(k, v == DELETED ? null : v));
    }

    /** {@code key} as it will be after this batch is applied to {@code store}. */
    public byte[] get(KeyValueStore store, byte[] key) {
        byte[] v = ops.get(key);
        if (v != null) {
            return v == DELETED ? null : v;
        }
        Batch p = parent;
        return p != null ? p.get(store, key) : store.get(key);
    }

    /** Keys in {@code [from, to)} as they will be after this batch is applied to {@code store}. */
    public KeyValueStore.Cursor scan(KeyValueStore store, byte[] from, byte[] to) {
        NavigableMap<byte[], byte[]> mine = ops.subMap(from, true, to, false);
        Batch p = parent;
        KeyValueStore.Cursor base = p != null ? p.scan(store, from, to) : store.scan(from, to);
        return mine.isEmpty() ? base : new Merged(mine.entrySet().iterator(), base);
    }

    /** Batch entries over store entries; a batch delete hides the store's key. */
    private static final class Merged implements KeyValueStore.Cursor {
        private final Iterator<Map.Entry<byte[], byte[]>> mine;
        private final KeyValueStore.Cursor base;
        private Map.Entry<byte[], byte[]> m;
        private boolean baseValid;
        private byte[] key;
        private byte[] value;

        Merged(Iterator<Map.Entry<byte[], byte[]>> mine, KeyValueStore.Cursor base) {
            this.mine = mine;
            this.base = base;
            this.m = mine.hasNext() ? mine.next() : null;
            this.baseValid = base.next();
        }

        @Override
        public boolean next() {
            while (m != null || baseValid) {
                int c = m == null ? 1 : !baseValid ? -1 : Arrays.compareUnsigned(m.getKey(), base.key());
                if (c <= 0) {
                    Map.Entry<byte[], byte[]> e = m;
                    m = mine.hasNext() ? mine.next() : null;
                    if (c == 0) {
                        baseValid = base.next();
                    }
                    if (e.getValue() != DELETED) {
                        key = e.getKey();
                        value = e.getValue();
                        return true;
                    }
                } else {
                    key = base.key();
                    value = base.value();
                    baseValid = base.next();
                    return true;
                }
            }
            return false;
        }

        @Override
        public byte[] key() {
            return key;
        }

        @Override
        public byte[] value() {
            return value;
        }

        @Override
        public void close() {
            base.close();
        }
    }
}
