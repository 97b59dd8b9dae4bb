package io.cistern.thinpool.kv;

import java.util.Arrays;
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
    private final SortedOps ops = new SortedOps();
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
        return ops.size() == 0;
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
        SortedOps.Cursor mine = ops.range(from, to);
        Batch p = parent;
        KeyValueStore.Cursor base = p != null ? p.scan(store, from, to) : store.scan(from, to);
        return mine.next() ? new Merged(mine, base) : base;
    }

    /** Batch entries over store entries; a batch delete hides the store's key. */
    private static final class Merged implements KeyValueStore.Cursor {
        private final SortedOps.Cursor mine;
        private final KeyValueStore.Cursor base;
        private boolean mineValid;
        private boolean baseValid;
        private byte[] key;
        private byte[] value;

        /** {@code mine} already on its first entry. */
        Merged(SortedOps.Cursor mine, KeyValueStore.Cursor base) {
            this.mine = mine;
            this.base = base;
            this.mineValid = true;
            this.baseValid = base.next();
        }

        @Override
        public boolean next() {
            while (mineValid || baseValid) {
                int c = !mineValid ? 1 : !baseValid ? -1 : Arrays.compareUnsigned(mine.key(), base.key());
                if (c <= 0) {
                    byte[] k = mine.key();
                    byte[] v = mine.value();
                    mineValid = mine.next();
                    if (c == 0) {
                        baseValid = base.next();
                    }
                    if (v != DELETED) {
                        key = k;
                        value = v;
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
