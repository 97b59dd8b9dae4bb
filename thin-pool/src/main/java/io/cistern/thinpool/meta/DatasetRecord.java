package io.cistern.thinpool.meta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A volume, a clone or a snapshot, with its properties and space counters (all in bytes).
 *
 * <p>A volume or clone ("head") owns the map {@code mapId == id}. A snapshot shares its head's map
 * and sees it as of {@code gen}. Counters of a head move with every write and are rewritten in the
 * batch of the commit that moves them, so they always agree with the maps on disk. A snapshot's
 * counters are frozen at creation; its "used" is computed from the dead list when asked.
 *
 * <p>Mutable, confined to the pool's metadata thread.
 */
public final class DatasetRecord {
    public enum Kind { VOLUME, SNAPSHOT }

    /** 2 added {@link #userProperties}; version 1 records read as having none. */
    private static final int VERSION = 2;

    public long id;
    public String name;
    public Kind kind;
    public UUID uuid;
    /** Snapshot: its volume. Head: 0. */
    public long parentId;
    /** Clone: the snapshot it was cloned from, else 0. */
    public long originId;
    /** Clone of an external read-only base image: its path, else "". */
    public String externalOrigin = "";
    public long volsize;
    public int volblocksize;
    /** 0 for a sparse volume; otherwise the bytes guaranteed to writes since the latest snapshot. */
    public long refreservation;
    public boolean readOnly;
    /** Head: generation at creation. Snapshot: the generation it froze. */
    public long gen;
    /** Head: generation of its latest snapshot, or {@link #gen} at creation if none. */
    public long latestSnapGen;
    public long creationMillis;
    /** Bytes visible to this dataset, including blocks seen through its origin. */
    public long referenced;
    /** Head: bytes of its own live blocks born after its latest snapshot. Snapshot: at creation. */
    public long written;
    /** Head: bytes of its own live blocks (usedbydataset). */
    public long usedByDataset;
    /** Head: bytes of dead blocks kept only for its snapshots. */
    public long usedBySnapshots;
    /** Logical bytes (mapped blocks times volblocksize) visible to this dataset. */
    public long logicalReferenced;
    /** Still being filled (a copy spanning several commits); destroyed at open if a crash left it so. */
    public boolean incomplete;
    /** Properties stored for the pool's users and not interpreted by it (the daemon's shareiscsi). */
    public Map<String, String> userProperties = new TreeMap<>();

    public boolean snapshot() {
        return kind == Kind.SNAPSHOT;
    }

    /** Bytes a head charges to the pool: its data, its snapshots' data and its unused reservation. */
    public long used() {
        return usedByDataset + usedBySnapshots + usedByRefreservation();
    }

    /** The part of the reservation not yet consumed by writes since the latest snapshot. */
    public long usedByRefreservation() {
        return Math.max(0, refreservation - written);
    }

    public byte[] encode() {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] ext = externalOrigin.getBytes(StandardCharsets.UTF_8);
        int props = 4;
        for (var e : userProperties.entrySet()) {
            props += 8 + utf8(e.getKey()).length + utf8(e.getValue()).length;
        }
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + n.length + 1 + 16 + 8 * 2 + 4 + ext.length + 8 + 4 + 8 + 1
                + 8 * 3 + 8 * 5 + 1 + props);
        out.put((byte) VERSION).putLong(id).putInt(n.length).put(n).put((byte) kind.ordinal())
                .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
                .putLong(parentId).putLong(originId).putInt(ext.length).put(ext)
                .putLong(volsize).putInt(volblocksize).putLong(refreservation).put((byte) (readOnly ? 1 : 0))
                .putLong(gen).putLong(latestSnapGen).putLong(creationMillis)
                .putLong(referenced).putLong(written).putLong(usedByDataset).putLong(usedBySnapshots)
                .putLong(logicalReferenced).put((byte) (incomplete ? 1 : 0));
        out.putInt(userProperties.size());
        userProperties.forEach((k, v) -> {
            byte[] kb = utf8(k);
            byte[] vb = utf8(v);
            out.putInt(kb.length).put(kb).putInt(vb.length).put(vb);
        });
        return out.array();
    }

    public static DatasetRecord decode(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b);
        int version = in.get();
        if (version != 1 && version != VERSION) {
            throw new IllegalStateException("dataset record version " + version + " is not supported");
        }
        DatasetRecord r = new DatasetRecord();
        r.id = in.getLong();
        r.name = string(in);
        r.kind = Kind.values()[in.get()];
        r.uuid = new UUID(in.getLong(), in.getLong());
        r.parentId = in.getLong();
        r.originId = in.getLong();
        r.externalOrigin = string(in);
        r.volsize = in.getLong();
        r.volblocksize = in.getInt();
        r.refreservation = in.getLong();
        r.readOnly = in.get() != 0;
        r.gen = in.getLong();
        r.latestSnapGen = in.getLong();
        r.creationMillis = in.getLong();
        r.referenced = in.getLong();
        r.written = in.getLong();
        r.usedByDataset = in.getLong();
        r.usedBySnapshots = in.getLong();
        r.logicalReferenced = in.getLong();
        r.incomplete = in.get() != 0;
        if (version >= 2) {
            for (int i = in.getInt(); i > 0; i--) {
                r.userProperties.put(string(in), string(in));
            }
        }
        return r;
    }

    private static String string(ByteBuffer in) {
        byte[] s = new byte[in.getInt()];
        in.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public DatasetRecord copy() {
        return decode(encode());
    }
}
