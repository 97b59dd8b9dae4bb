package io.cistern.thinpool.meta;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * One dead-list record: versions of one map killed at one generation but kept for a snapshot, each
 * named by its block and birth. The key ({@link Keys#dead}) names the first entry; the value lists
 * the others, so the entries one commit adds cost one key, not one each. After a snapshot every
 * overwrite of an older block adds an entry, and as keys of their own they made RocksDB's inserts,
 * flushes and compactions most of what overwriting after a snapshot cost beyond overwriting before.
 * An empty value is a record of one entry: what pools written before records held several hold.
 *
 * <p>Entries ascend by block, then birth (a block is killed at most once per generation, but the
 * format does not rely on it). Value, per entry after the first:
 * <pre>
 * varint  block - previous block
 * varint  birth
 * </pre>
 * Varints are unsigned LEB128: a block of a few thousand entries spread over a volume takes about
 * three bytes an entry.
 */
public final class DeadRecord {
    /** Most entries in one record: bounds what destroying a snapshot rewrites to drop a few. */
    public static final int MAX_ENTRIES = 1024;

    private final long mapId;
    private final long killGen;
    private final long[] blocks;
    private final long[] births;

    private DeadRecord(long mapId, long killGen, long[] blocks, long[] births) {
        this.mapId = mapId;
        this.killGen = killGen;
        this.blocks = blocks;
        this.births = births;
    }

    /**
     * A record of {@code n} entries (1 to {@link #MAX_ENTRIES}) taken from {@code blocks} and
     * {@code births} from index {@code from}, which must ascend there.
     */
    public static DeadRecord of(long mapId, long killGen, long[] blocks, long[] births, int from, int n) {
        if (n < 1 || n > MAX_ENTRIES) {
            throw new IllegalArgumentException("a dead-list record holds 1 to " + MAX_ENTRIES + " entries, not " + n);
        }
        long[] bl = Arrays.copyOfRange(blocks, from, from + n);
        long[] bi = Arrays.copyOfRange(births, from, from + n);
        for (int i = 0; i < n; i++) {
            if (bl[i] < 0 || bi[i] < 0 || i > 0 && !ascends(bl[i - 1], bi[i - 1], bl[i], bi[i])) {
                throw new IllegalArgumentException("dead-list entries must be non-negative and ascend: block "
                        + bl[i] + " birth " + bi[i] + " at " + i);
            }
        }
        return new DeadRecord(mapId, killGen, bl, bi);
    }

    private static boolean ascends(long block0, long birth0, long block, long birth) {
        return block > block0 || block == block0 && birth > birth0;
    }

    /** Decodes a record; a malformed value is an IllegalArgumentException. */
    public static DeadRecord decode(byte[] key, byte[] value) {
        int n = 1;
        for (byte b : value) {
            if (b >= 0) {
                n++; // each varint ends with a byte below 0x80; two per entry
            }
        }
        if ((n - 1) % 2 != 0) {
            throw new IllegalArgumentException("dead-list value of " + value.length + " bytes ends inside an entry");
        }
        n = 1 + (n - 1) / 2;
        if (n > MAX_ENTRIES) {
            throw new IllegalArgumentException("dead-list record of " + n + " entries");
        }
        long[] blocks = new long[n];
        long[] births = new long[n];
        blocks[0] = Keys.deadBlockOf(key);
        births[0] = Keys.deadBirthOf(key);
        int[] at = {0};
        for (int i = 1; i < n; i++) {
            blocks[i] = blocks[i - 1] + varint(value, at);
            births[i] = varint(value, at);
            if (blocks[i] < 0 || births[i] < 0 || !ascends(blocks[i - 1], births[i - 1], blocks[i], births[i])) {
                throw new IllegalArgumentException("dead-list entry " + i + " (block " + blocks[i] + " birth "
                        + births[i] + ") does not ascend");
            }
        }
        if (at[0] != value.length) {
            throw new IllegalArgumentException("dead-list value of " + value.length + " bytes ends inside a varint");
        }
        return new DeadRecord(Keys.mapIdOf(key), Keys.deadKillOf(key), blocks, births);
    }

    private static long varint(byte[] b, int[] at) {
        long v = 0;
        for (int shift = 0; shift < 64 && at[0] < b.length; shift += 7) {
            byte x = b[at[0]++];
            if (shift == 63 && (x & 0x7e) != 0) {
                break; // bits past the 64th
            }
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("dead-list varint longer than 64 bits or cut short");
    }

    private static void putVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    public byte[] key() {
        return Keys.dead(mapId, killGen, blocks[0], births[0]);
    }

    public byte[] value() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(3 * (blocks.length - 1));
        for (int i = 1; i < blocks.length; i++) {
            putVarint(out, blocks[i] - blocks[i - 1]);
            putVarint(out, births[i]);
        }
        return out.toByteArray();
    }

    public long mapId() {
        return mapId;
    }

    public long killGen() {
        return killGen;
    }

    public int size() {
        return blocks.length;
    }

    public long block(int i) {
        return blocks[i];
    }

    public long birth(int i) {
        return births[i];
    }
}
