package io.cistern.thinpool.meta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Every key prefix of the pool's metadata store, in one place (after BlueStore's PREFIX_* table).
 * Integers are big-endian so keys sort numerically; "~x" is {@code Long.MAX_VALUE - x}, so the newest
 * version of a block sorts first.
 *
 * <pre>
 * 'S'                                       -> {@link PoolRecord}: superblock (layout, counters)
 * 'D' u64 datasetId                         -> {@link DatasetRecord}: a volume, clone or snapshot
 * 'N' utf8 name                             -> u64 datasetId: the name index ("vol", "vol@snap")
 * 'M' u64 mapId u64 lastBlock u64 ~birth    -> {@link MapRecord}: the versions of one birth of the blocks
 *                                              up to lastBlock: one block ({@link Mapping}, 16 bytes, or
 *                                              {@link PackedMapping}, 20) or a run (15 + 4n bytes, odd)
 * 'K' u64 mapId u64 killGen u64 block u64 birth -> {@link DeadRecord}: dead list, versions overwritten
 *                                              or unmapped at killGen but kept for a snapshot; the key
 *                                              names the first, the value (empty: none) the others
 * 'F' u64 chunk                             -> {@link Freelist#CHUNK_BYTES} bytes: allocation bitmap,
 *                                              bit i set = unit chunk*BITS+i allocated
 * 'R' u64 offset                            -> u32: owners beyond the first of a shared extent
 *                                              ({@link RefCounts}); absent = one owner
 * 'O'                                       -> empty: the pool is open; still there at the next open
 *                                              means it was not closed cleanly
 * </pre>
 *
 * <p>A map key is 25 bytes and a single block's value 16: 41 bytes per block mapped on its own, about
 * 4 per block of a run. Two records of one map cover disjoint or identical ranges (see
 * {@code pool.MapStore}). A mapId is the id
 * of the volume (or clone) whose writes the versions hold; its snapshots read the same map at their
 * generation. Versions of one block are ordered newest first.
 */
public final class Keys {
    public static final byte SUPER = 'S';
    public static final byte DATASET = 'D';
    public static final byte NAME = 'N';
    public static final byte MAP = 'M';
    public static final byte DEAD = 'K';
    public static final byte FREE = 'F';
    public static final byte REFS = 'R';
    public static final byte OPEN = 'O';

    public static final int MAP_KEY_BYTES = 25;

    private Keys() {
    }

    public static byte[] superblock() {
        return new byte[] {SUPER};
    }

    public static byte[] open() {
        return new byte[] {OPEN};
    }

    public static byte[] dataset(long id) {
        return ByteBuffer.allocate(9).put(DATASET).putLong(id).array();
    }

    public static byte[] name(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + utf8.length).put(NAME).put(utf8).array();
    }

    public static byte[] map(long mapId, long block, long birth) {
        return ByteBuffer.allocate(MAP_KEY_BYTES).put(MAP).putLong(mapId).putLong(block).putLong(Long.MAX_VALUE - birth).array();
    }

    /** The first key of {@code block}'s versions visible at generation {@code gen}. */
    public static byte[] mapFrom(long mapId, long block, long gen) {
        return map(mapId, block, gen);
    }

    /** Just past every version of blocks below {@code block} (i.e. the start of {@code block}). */
    public static byte[] mapBlock(long mapId, long block) {
        return ByteBuffer.allocate(17).put(MAP).putLong(mapId).putLong(block).array();
    }

    /** The map id of a map ('M') or dead-list ('K') key: both begin with it. */
    public static long mapIdOf(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }

    public static long mapBlockOf(byte[] key) {
        return ByteBuffer.wrap(key, 9, 8).getLong();
    }

    public static long mapBirthOf(byte[] key) {
        return Long.MAX_VALUE - ByteBuffer.wrap(key, 17, 8).getLong();
    }

    public static byte[] dead(long mapId, long killGen, long block, long birth) {
        return ByteBuffer.allocate(33).put(DEAD).putLong(mapId).putLong(killGen).putLong(block).putLong(birth).array();
    }

    /** The start of the dead entries of {@code mapId} killed at {@code killGen} or later. */
    public static byte[] deadFrom(long mapId, long killGen) {
        return ByteBuffer.allocate(17).put(DEAD).putLong(mapId).putLong(killGen).array();
    }

    public static long deadKillOf(byte[] key) {
        return ByteBuffer.wrap(key, 9, 8).getLong();
    }

    public static long deadBlockOf(byte[] key) {
        return ByteBuffer.wrap(key, 17, 8).getLong();
    }

    public static long deadBirthOf(byte[] key) {
        return ByteBuffer.wrap(key, 25, 8).getLong();
    }

    public static byte[] free(long chunk) {
        return ByteBuffer.allocate(9).put(FREE).putLong(chunk).array();
    }

    public static byte[] refs(long offset) {
        return ByteBuffer.allocate(9).put(REFS).putLong(offset).array();
    }

    public static long freeChunkOf(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }

    /** The first key after every key starting with {@code prefix} (for a one-byte prefix). */
    public static byte[] end(byte prefix) {
        return new byte[] {(byte) (prefix + 1)};
    }

    /** The first key after every key with this prefix and id. */
    public static byte[] end(byte prefix, long id) {
        return ByteBuffer.allocate(9).put(prefix).putLong(id + 1).array();
    }

    public static byte[] start(byte prefix, long id) {
        return ByteBuffer.allocate(9).put(prefix).putLong(id).array();
    }
}
