package io.cistern.thinpool.dedup;

import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.DedupKeys;
import io.cistern.thinpool.meta.PackedMapping;
import java.io.IOException;
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
 * <p>The cache mirrors the table as of the current batch (it is updated with each change), which
 * is right because a batch is never abandoned: the pool stops if a commit fails.
 *
 * <p>Thread-safety: metadata thread only (like the batch); {@link #stats} from anywhere.
 */
public final class DedupTable {
    private final KeyValueStore store;
    private final DdtCache cache;
    private volatile long entries;

    /** Opens the table in {@code store} with a cache of at most {@code cacheCapBytes}. */
    public DedupTable(KeyValueStore store, long cacheCapBytes) {
        this.store = store;
        this.cache = new DdtCache(cacheCapBytes);
        byte[] count = store.get(DedupKeys.count());
        this.entries = count == null ? 0 : ByteBuffer.wrap(count).getLong();
    }

    /**
     * The map value to share for {@code block} with hash {@code hash}, or null to store it anew.
     * With {@link Dedup#VERIFY} a hash match counts only if {@code verifier} finds the same bytes.
     */
    public byte[] find(Batch batch, byte[] hash, ByteBuffer block, Dedup mode, Verifier verifier) throws IOException {
        if (mode == Dedup.OFF) {
            return null;
        }
        byte[] value = lookup(batch, hash);
        if (value == null || mode == Dedup.ON) {
            return value;
        }
        return verifier.sameBytes(value, block) ? value : null;
    }

    /** The entry for {@code hash} as of {@code batch}, or null. */
    public byte[] lookup(Batch batch, byte[] hash) {
        byte[] value = cache.get(hash);
        if (value == null) {
            value = batch.get(store, DedupKeys.entry(hash));
            if (value != null) {
                cache.put(hash, value);
            }
        }
        return value;
    }

    /**
     * Enters a block just stored as {@code mapValue}; false (and nothing changes) if the hash has an
     * entry already (a verify collision keeps the first).
     */
    public boolean insert(Batch batch, byte[] hash, byte[] mapValue) {
        if (lookup(batch, hash) != null) {
            return false;
        }
        batch.put(DedupKeys.entry(hash), mapValue);
        batch.put(DedupKeys.backref(PackedMapping.extentOf(mapValue), fragmentOffset(mapValue)),
                Arrays.copyOf(hash, DedupKeys.BACKREF_HASH_BYTES));
        cache.put(hash, mapValue);
        setEntries(batch, entries + 1);
        return true;
    }

    /** The extent at {@code extentOffset} is freed in {@code batch}: drops its entries. Returns how many. */
    public int extentFreed(Batch batch, long extentOffset) {
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
                    }
                }
            }
            for (byte[] key : doomed) {
                batch.delete(key);
                cache.remove(DedupKeys.hashOf(key));
                dropped++;
            }
            batch.delete(backrefs.get(i));
        }
        if (dropped > 0) {
            setEntries(batch, entries - dropped);
        }
        return dropped;
    }

    public DedupStats stats() {
        return new DedupStats(entries, diskBytesPerEntry(), cache.size(), cache.bytes(), DdtCache.BYTES_PER_ENTRY,
                cache.hits(), cache.misses());
    }

    /** Keys and values of an entry and its back reference, for a packed (20-byte) map value. */
    static int diskBytesPerEntry() {
        return 1 + DedupKeys.HASH_BYTES + PackedMapping.BYTES + 11 + DedupKeys.BACKREF_HASH_BYTES;
    }

    private void setEntries(Batch batch, long n) {
        entries = n;
        batch.put(DedupKeys.count(), ByteBuffer.allocate(8).putLong(n).array());
    }

    private static int fragmentOffset(byte[] mapValue) {
        return PackedMapping.isPacked(mapValue) ? PackedMapping.decode(mapValue).fragmentOffset() : 0;
    }
}
