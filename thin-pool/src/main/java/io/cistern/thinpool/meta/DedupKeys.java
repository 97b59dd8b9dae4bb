package io.cistern.thinpool.meta;

import java.nio.ByteBuffer;

/**
 * Key prefixes of the dedup table (DDT), beside those of {@link Keys} (which lists the rest):
 * <pre>
 * 'H'                                    -> u64 entries, u64 allocated, u64 referenced: the entry count and
 *                                           the bytes behind the dedup ratio (kept with the entries, same batch)
 * 'H' u8[32] hash                        -> map value (16-byte {@link Mapping} or 20-byte
 *                                           {@link PackedMapping}): where a block with this hash is stored
 * 'h' u64 extentOffset u16 fragmentOffset -> u8[16]: the first half of that block's hash (back reference)
 * </pre>
 * A DDT entry holds no count of its own: every map entry that points into an extent is an owner in
 * the extent's {@link RefCounts}, deduped or not. An entry lives as long as its extent: the bytes it
 * names stay there until the extent is freed (nothing live is rewritten), and freeing the extent
 * deletes its entries through the back references (a prefix scan of 'H' by the half hash finds the
 * full key). Per unique block: 33 + 16..20 bytes of entry, 11 + 16 of back reference, about 80.
 */
public final class DedupKeys {
    public static final byte DDT = 'H';
    public static final byte BACKREF = 'h';
    public static final int HASH_BYTES = 32;
    public static final int BACKREF_HASH_BYTES = 16;

    private DedupKeys() {
    }

    public static byte[] count() {
        return new byte[] {DDT};
    }

    public static byte[] entry(byte[] hash) {
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("hash of " + hash.length + " bytes, expected " + HASH_BYTES);
        }
        return ByteBuffer.allocate(1 + HASH_BYTES).put(DDT).put(hash).array();
    }

    /** The first key of the entries whose hash starts with {@code prefix}. */
    public static byte[] entryPrefix(byte[] prefix) {
        return ByteBuffer.allocate(1 + prefix.length).put(DDT).put(prefix).array();
    }

    /** Just past the entries whose hash starts with {@code prefix}. */
    public static byte[] entryPrefixEnd(byte[] prefix) {
        byte[] end = entryPrefix(prefix);
        for (int i = end.length - 1; i > 0; i--) {
            if (++end[i] != 0) {
                return end;
            }
        }
        return Keys.end(DDT);
    }

    public static byte[] hashOf(byte[] entryKey) {
        return java.util.Arrays.copyOfRange(entryKey, 1, 1 + HASH_BYTES);
    }

    public static byte[] backref(long extentOffset, int fragmentOffset) {
        return ByteBuffer.allocate(11).put(BACKREF).putLong(extentOffset).putShort((short) fragmentOffset).array();
    }

    public static long backrefExtentOf(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }
}
