package io.cistern.thinpool.meta;

import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import java.nio.ByteBuffer;

/**
 * How many maps point at an extent, after BlueStore's shared blobs: an extent with one owner (the
 * common case) has no record at all, so the count costs nothing per mapped block; a shared extent has
 * {@code 'R' u64 offset -> u32 extra owners} under {@link Keys#REFS}. Snapshots and clones share
 * blocks by generation and origin, not by count; counts serve copies by reference, the fragments of a packed
 * extent ({@link PackedMapping}) and dedup (every map entry pointing into an extent is one owner).
 *
 * <p>Changes go into the batch of the commit that adds or drops the owner. Until the first extent
 * is shared, no count is looked up at all: the common pool without copies or dedup pays no lookup
 * per freed block.
 *
 * <p>Thread-safety: none; used from the pool's metadata thread.
 */
public final class RefCounts {
    private final KeyValueStore store;
    /** False while no count record exists (none at open, none added since). */
    private boolean anyShared;

    public RefCounts(KeyValueStore store) {
        this.store = store;
        try (KeyValueStore.Cursor c = store.scan(new byte[] {Keys.REFS}, Keys.end(Keys.REFS))) {
            this.anyShared = c.next();
        }
    }

    /** Adds an owner to the extent at {@code offset}. */
    public void share(Batch batch, long offset) {
        share(batch, offset, 1);
    }

    /** Adds {@code owners} owners to the extent at {@code offset} (fragments appended to a packed extent). */
    public void share(Batch batch, long offset, int owners) {
        if (owners < 1) {
            throw new IllegalArgumentException("no owners to add: " + owners);
        }
        anyShared = true;
        batch.put(Keys.refs(offset), ByteBuffer.allocate(4).putInt(extra(batch, offset) + owners).array());
    }

    /** A new extent's owners (a packed extent has one per fragment); nothing to record for one. */
    public void created(Batch batch, long offset, int owners) {
        if (owners < 1) {
            throw new IllegalArgumentException("an extent needs an owner: " + owners);
        }
        if (owners > 1) {
            anyShared = true;
            batch.put(Keys.refs(offset), ByteBuffer.allocate(4).putInt(owners - 1).array());
        }
    }

    /** True if the extent at {@code offset} has more than one owner. */
    public boolean shared(Batch batch, long offset) {
        return extra(batch, offset) > 0;
    }

    /** Drops an owner; returns true if it was the last, so the extent is now free. */
    public boolean release(Batch batch, long offset) {
        int extra = extra(batch, offset);
        if (extra == 0) {
            return true;
        }
        if (extra == 1) {
            batch.delete(Keys.refs(offset));
        } else {
            batch.put(Keys.refs(offset), ByteBuffer.allocate(4).putInt(extra - 1).array());
        }
        return false;
    }

    /** Owners beyond the first. */
    public int extra(Batch batch, long offset) {
        if (!anyShared) {
            return 0;
        }
        byte[] v = batch.get(store, Keys.refs(offset));
        return v == null ? 0 : ByteBuffer.wrap(v).getInt();
    }
}
