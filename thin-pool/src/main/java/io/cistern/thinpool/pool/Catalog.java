package io.cistern.thinpool.pool;

import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.KeyValueStore;
import io.cistern.thinpool.meta.DatasetRecord;
import io.cistern.thinpool.meta.Keys;
import io.cistern.thinpool.meta.PoolRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every dataset record and the superblock, held in memory (there are few) and written back in the
 * batch of the next commit when changed, so counters commit together with the maps they describe.
 *
 * <p>Thread-safety: none; metadata thread only.
 */
final class Catalog {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}");

    private final Map<Long, DatasetRecord> byId = new HashMap<>();
    private final Map<String, Long> byName = new HashMap<>();
    private final Set<Long> dirty = new LinkedHashSet<>();
    private PoolRecord superblock;
    private boolean superDirty;

    Catalog(PoolRecord superblock) {
        this.superblock = superblock;
    }

    /** Mount: every dataset record in the store. */
    void load(KeyValueStore store) {
        try (KeyValueStore.Cursor c = store.scan(new byte[] {Keys.DATASET}, Keys.end(Keys.DATASET))) {
            while (c.next()) {
                DatasetRecord r = DatasetRecord.decode(c.value());
                byId.put(r.id, r);
                byName.put(r.name, r.id);
            }
        }
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "bad name '" + name
                    + "': 1-200 of letters, digits and _ . : - starting with a letter or digit");
        }
    }

    PoolRecord superblock() {
        return superblock;
    }

    long nextId() {
        long id = superblock.nextId();
        superblock = superblock.withNextId(id + 1);
        superDirty = true;
        return id;
    }

    /** Ends the current generation (a snapshot was taken); returns the generation it ended. */
    long endGeneration() {
        long gen = superblock.gen();
        superblock = superblock.withGen(gen + 1);
        superDirty = true;
        return gen;
    }

    long gen() {
        return superblock.gen();
    }

    /** The record, even of a dataset being destroyed (internal use). */
    DatasetRecord get(long id) {
        DatasetRecord r = byId.get(id);
        if (r == null) {
            throw new PoolException(PoolException.Kind.NOT_FOUND, "no dataset with id " + id + " (destroyed?)");
        }
        return r;
    }

    /** Whether a record with this id exists, even of a dataset being destroyed. */
    boolean has(long id) {
        return byId.containsKey(id);
    }

    /** The record of a dataset users may see and do I/O on. */
    DatasetRecord live(long id) {
        DatasetRecord r = get(id);
        if (r.incomplete) {
            throw new PoolException(PoolException.Kind.NOT_FOUND, "'" + r.name + "' is being destroyed");
        }
        return r;
    }

    DatasetRecord find(String name) {
        Long id = byName.get(name);
        if (id == null || byId.get(id).incomplete) {
            throw new PoolException(PoolException.Kind.NOT_FOUND, "no dataset named '" + name + "'");
        }
        return byId.get(id);
    }

    boolean exists(String name) {
        return byName.containsKey(name);
    }

    /** Every dataset users may see, sorted by name. */
    List<DatasetRecord> visible() {
        return all().stream().filter(r -> !r.incomplete).toList();
    }

    void add(DatasetRecord r, Batch batch) {
        if (byName.containsKey(r.name)) {
            throw new PoolException(PoolException.Kind.ALREADY_EXISTS, "'" + r.name + "' already exists");
        }
        byId.put(r.id, r);
        byName.put(r.name, r.id);
        batch.put(Keys.name(r.name), ByteBuffer.allocate(8).putLong(r.id).array());
        dirty.add(r.id);
    }

    void rename(DatasetRecord r, String newName, Batch batch) {
        batch.delete(Keys.name(r.name));
        byName.remove(r.name);
        r.name = newName;
        byName.put(newName, r.id);
        batch.put(Keys.name(newName), ByteBuffer.allocate(8).putLong(r.id).array());
        dirty.add(r.id);
    }

    void remove(DatasetRecord r, Batch batch) {
        byId.remove(r.id);
        byName.remove(r.name);
        dirty.remove(r.id);
        batch.delete(Keys.dataset(r.id));
        batch.delete(Keys.name(r.name));
    }

    void touch(DatasetRecord r) {
        dirty.add(r.id);
    }

    /** Writes changed records into {@code batch}; called just before each commit. */
    void flushTo(Batch batch) {
        for (long id : dirty) {
            batch.put(Keys.dataset(id), byId.get(id).encode());
        }
        dirty.clear();
        if (superDirty) {
            batch.put(Keys.superblock(), superblock.encode());
            superDirty = false;
        }
    }

    /** The snapshots of head {@code headId}, oldest first. */
    List<DatasetRecord> snapshotsOf(long headId) {
        List<DatasetRecord> snaps = new ArrayList<>();
        for (DatasetRecord r : byId.values()) {
            if (r.snapshot() && r.parentId == headId) {
                snaps.add(r);
            }
        }
        snaps.sort(Comparator.comparingLong(r -> r.gen));
        return snaps;
    }

    /** Heads cloned from snapshot {@code snapId}. */
    List<DatasetRecord> clonesOf(long snapId) {
        return byId.values().stream().filter(r -> !r.snapshot() && r.originId == snapId).toList();
    }

    List<DatasetRecord> heads() {
        return byId.values().stream().filter(r -> !r.snapshot()).sorted(Comparator.comparing(r -> r.name)).toList();
    }

    List<DatasetRecord> all() {
        return byId.values().stream().sorted(Comparator.comparing(r -> r.name)).toList();
    }

    /** The parts of every head's reservation not yet filled by writes (usedbyrefreservation). */
    long unfilledReservations() {
        long sum = 0;
        for (DatasetRecord r : byId.values()) {
            if (!r.snapshot()) {
                sum += r.usedByRefreservation();
            }
        }
        return sum;
    }
}
