package io.cistern.thinpool.dedup;

import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.DedupKeys;
import io.cistern.thinpool.meta.Mapping;
import io.cistern.thinpool.meta.PackedMapping;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pool's dedup table (DDT): block hash to where a block with that hash is stored, persistent in
 * the metadata store (layout in {@link DedupKeys}) with a bounded cache in front ({@link DdtCache}).
 * One table spans every volume of the pool, as a zpool's does.
 *
 * <p>An entry holds no count: each map entry pointing into an extent is an owner in the extent's
 * {@code RefCounts}. A hit adds an owner; the writer then maps the block to the entry's value. The
 * entry lives as long as its extent, whose bytes stay put until it is freed; the path that frees an
 * extent calls {@link #extentFreed} in the same batch, so the table, the map and the counts commit
 * together and a crash leaves all three consistent.
 *
 * <p>Beside the entry count the table keeps, in one key put in each batch by {@link #flush} just
 * before the commit, what {@code zpool list}'s DEDUP is made of: the stored bytes of its entries'
 * blocks ({@code allocated}) and those bytes once per map entry pointing at them
 * ({@code referenced}); the writer reports the references it adds, the pool every map entry it
 * drops ({@link #referenceDropped}) and every copy it makes.
 *
 * <p>The cache mirrors the table as of the current batch (it is updated with each change), which
 * is right because a batch is never abandoned: the pool stops if a commit fails. It is allocated at
 * its first use, so a pool that never dedups holds none of its memory. A cache made while the table
 * was empty holds the whole table until it first evicts an entry: until then a miss needs no read
 * of the store, which spares a RocksDB get through JNI per unique block written to a new pool.
 *
 * <p>Thread-safety: metadata thread only (like the batch); {@link #stats} from anywhere.
 */
public final class DedupTable {
    private final KeyValueStore store;
    private final long cacheCapBytes;
    private volatile DdtCache cache;
    /** The cache was made while the table was empty: it holds every entry until it evicts one. */
    private boolean cacheWhole;
    private volatile long entries;
    private volatile long allocated;
    private volatile long referenced;
    /** The counts changed since the last {@link #flush}: written once per commit, not once per block. */
    private boolean countsChanged;

    /** Opens the table in {@code store} with a cache of at most {@code cacheCapBytes}. */
    public DedupTable(KeyValueStore store, long cacheCapBytes) {
        this.store = store;
        this.cacheCapBytes = cacheCapBytes;
        byte[] count = store.get(DedupKeys.count());
        if (count != null) {
            ByteBuffer in = ByteBuffer.wrap(count);
            this.entries = in.getLong();
            this.allocated = in.remaining() >= 16 ? in.getLong() : 0;
            this.referenced = in.remaining() >= 8 ? in.getLong() : 0;
        }
    }

    /** The entry for {@code hash} as of {@code batch}, or null. */
    public byte[] lookup(Batch batch, byte[] hash) {
        DdtCache c = cache();
        byte[] value = c.get(hash);
        if (value == null && !(cacheWhole && c.evictions() == 0)) {
            value = batch.get(store, DedupKeys.entry(hash));
            if (value != null) {
                c.put(hash, value);
            }
        }
        return value;
    }

    /** True if the block at {@code m} (not a hole) has an entry: it is deduped data. */
    public boolean entered(Batch batch, Mapping m) {
        return entries > 0 && batch.get(store, DedupKeys.backref(m.offset(), m.fragmentOffset())) != null;
    }

    /** One more map entry points at the block of {@code mapValue}, an entry {@link #lookup} found. */
    public void shared(Batch batch, byte[] mapValue) {
        referenced += Mapping.decode(mapValue).length();
        countsChanged = true;
    }

    /** A map entry pointing at {@code m} was added by copying another: counted if {@code m} is deduped data. */
    public void referenceAdded(Batch batch, Mapping m) {
        if (entered(batch, m)) {
            referenced += m.length();
            countsChanged = true;
        }
    }

    /** A map entry pointing at {@code m} was dropped: counted off if {@code m} is deduped data. */
    public void referenceDropped(Batch batch, Mapping m) {
        if (entered(batch, m)) {
            referenced -= m.length();
            countsChanged = true;
        }
    }

    /**
     * Enters a block just stored as {@code mapValue}; false (and nothing changes) if the hash has an
     * entry already (a verify collision keeps the first).
     */
    public boolean insert(Batch batch, byte[] hash, byte[] mapValue) {
        if (lookup(batch, hash) != null) {
            return false;
        }
        enter(batch, hash, mapValue);
        return true;
    }

    /**
     * Enters a block just stored as {@code mapValue} whose hash {@link #lookup} found absent in this
     * batch (the writer knows, and spares the second lookup {@link #insert} would make).
     */
    public void enter(Batch batch, byte[] hash, byte[] mapValue) {
        batch.put(DedupKeys.entry(hash), mapValue);
        batch.put(DedupKeys.backref(PackedMapping.extentOf(mapValue), fragmentOffset(mapValue)),
                Arrays.copyOf(hash, DedupKeys.BACKREF_HASH_BYTES));
        cache().put(hash, mapValue);
        entries++;
        int length = Mapping.decode(mapValue).length();
        allocated += length;
        referenced += length; // the map entry the writer makes for it
        countsChanged = true;
    }

    /** The extent at {@code extentOffset} is freed in {@code batch}: drops its entries. Returns how many. */
    public int extentFreed(Batch batch, long extentOffset) {
        if (entries == 0) {
            return 0; // no back reference either: a pool that never deduped pays no lookup per free
        }
        List<byte[]> backrefs = new ArrayList<>();
        try (KeyValueStore.Cursor c = batch.scan(store, DedupKeys.backref(extentOffset, 0),
                DedupKeys.backref(extentOffset + 1, 0))) {
            while (c.next()) {
                backrefs.add(c.key());
                backrefs.add(c.value());
            }
        }
        int dropped = 0;
        for (int i = 0; i < backrefs.size(); i += 2) {
            byte[] half = backrefs.get(i + 1);
            List<byte[]> doomed = new ArrayList<>(1);
            try (KeyValueStore.Cursor c = batch.scan(store, DedupKeys.entryPrefix(half), DedupKeys.entryPrefixEnd(half))) {
                while (c.next()) {
                    if (PackedMapping.extentOf(c.value()) == extentOffset) {
                        doomed.add(c.key());
                        allocated -= Mapping.decode(c.value()).length();
                    }
                }
            }
            for (byte[] key : doomed) {
                batch.delete(key);
                cache().remove(DedupKeys.hashOf(key));
                dropped++;
            }
            batch.delete(backrefs.get(i));
        }
        if (dropped > 0) {
            entries -= dropped;
            countsChanged = true;
        }
        return dropped;
    }

    public DedupStats stats() {
        DdtCache c = cache;
        return new DedupStats(entries, diskBytesPerEntry(), allocated, referenced, c == null ? 0 : c.size(),
                c == null ? 0 : c.bytes(), cacheCapBytes, DdtCache.BYTES_PER_ENTRY, c == null ? 0 : c.hits(),
                c == null ? 0 : c.misses());
    }

    /** Keys and values of an entry and its back reference, for a packed (20-byte) map value. */
    static int diskBytesPerEntry() {
        return 1 + DedupKeys.HASH_BYTES + PackedMapping.BYTES + 11 + DedupKeys.BACKREF_HASH_BYTES;
    }

    /** Puts the counts in {@code batch}, the open batch, before it is committed, if they changed since the last flush. */
    public void flush(Batch batch) {
        if (countsChanged) {
            batch.put(DedupKeys.count(), ByteBuffer.allocate(24).putLong(entries).putLong(allocated).putLong(referenced).array());
            countsChanged = false;
        }
    }

    private DdtCache cache() {
        DdtCache c = cache;
        if (c == null) {
            c = new DdtCache(cacheCapBytes);
            cacheWhole = entries == 0;
            cache = c;
        }
        return c;
    }

    private static int fragmentOffset(byte[] mapValue) {
        return PackedMapping.isPacked(mapValue) ? PackedMapping.decode(mapValue).fragmentOffset() : 0;
    }
}
