package io.cistern.thinpool.meta;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The value of one map record: the versions, all of one birth, of {@link #count} consecutive blocks
 * (the key names the last). One block's version is a {@link Mapping} (16 bytes raw or hole, 20 bytes
 * {@link PackedMapping}); a run of 2 to {@link #MAX_RUN} raw blocks of equal length stored back to back
 * on the device (block i at {@code offset + i * blockLength}) is one record, so a sequential write
 * costs one record instead of one per block. Each block of a run is still an extent of its own to
 * reference counts, frees and dedup.
 *
 * <p>A run is encoded in {@code 15 + 4 * count} bytes, an odd length, so a value's length tells the
 * three forms apart (16 raw, 20 packed, odd a run):
 * <pre>
 * u8  format        {@link #RUN_FORMAT}
 * u64 offset        device offset of the first block
 * u32 blockLength   bytes of each block (the volblocksize)
 * u16 count         blocks, 2..{@link #MAX_RUN}
 * u32 crc * count   CRC32C of each block
 * </pre>
 * A run of 256 blocks costs 25 + 1039 bytes, about 4 bytes per block instead of 41.
 */
public final class MapRecord {
    public static final int MAX_RUN = 256;
    public static final byte RUN_FORMAT = 1;
    private static final int RUN_HEADER = 15;

    private final Mapping single; // null for a run
    private final long offset;
    private final int blockLength;
    private final int[] crcs;

    private MapRecord(Mapping single, long offset, int blockLength, int[] crcs) {
        this.single = single;
        this.offset = offset;
        this.blockLength = blockLength;
        this.crcs = crcs;
    }

    /** A record of one block's version. */
    public static MapRecord of(Mapping m) {
        return new MapRecord(m, 0, 0, null);
    }

    /** A run of {@code crcs.length} raw blocks of {@code blockLength} bytes from {@code offset} (one block: a single record). */
    public static MapRecord run(long offset, int blockLength, int[] crcs) {
        if (crcs.length == 1) {
            return of(new Mapping(offset, blockLength, crcs[0]));
        }
        if (crcs.length < 1 || crcs.length > MAX_RUN || blockLength <= 0 || offset < 0) {
            throw new IllegalArgumentException("bad run: " + crcs.length + " blocks of " + blockLength + " at " + offset);
        }
        return new MapRecord(null, offset, blockLength, crcs);
    }

    /** True if {@code next} can follow {@code m} in a run: both raw and stored, of one length, back to back. */
    public static boolean joins(Mapping m, Mapping next) {
        return !m.packed() && !next.packed() && !m.hole() && m.length() == next.length()
                && next.offset() == m.offset() + m.length();
    }

    public int count() {
        return single != null ? 1 : crcs.length;
    }

    public boolean isRun() {
        return single == null;
    }

    /** The version of the record's block {@code i} (0 = the first). */
    public Mapping mapping(int i) {
        if (single != null) {
            if (i != 0) {
                throw new IndexOutOfBoundsException(i);
            }
            return single;
        }
        return new Mapping(offset + (long) i * blockLength, blockLength, crcs[i]);
    }

    /** The record of blocks {@code from..to-1} of this one. */
    public MapRecord slice(int from, int to) {
        if (from == 0 && to == count()) {
            return this;
        }
        return run(offset + (long) from * blockLength, blockLength, Arrays.copyOfRange(crcs, from, to));
    }

    public byte[] encode() {
        if (single != null) {
            return single.encode();
        }
        ByteBuffer out = ByteBuffer.allocate(RUN_HEADER + 4 * crcs.length).put(RUN_FORMAT).putLong(offset)
                .putInt(blockLength).putShort((short) crcs.length);
        for (int crc : crcs) {
            out.putInt(crc);
        }
        return out.array();
    }

    /** Decodes a map value of any form; a malformed one is an IllegalArgumentException. */
    public static MapRecord decode(byte[] b) {
        if (b.length % 2 == 0) {
            return of(Mapping.decode(b));
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        if (b.length < RUN_HEADER || in.get() != RUN_FORMAT) {
            throw new IllegalArgumentException("map value of " + b.length + " bytes is no run of format " + RUN_FORMAT);
        }
        long offset = in.getLong();
        int blockLength = in.getInt();
        int count = Short.toUnsignedInt(in.getShort());
        if (count < 2 || count > MAX_RUN || b.length != RUN_HEADER + 4 * count) {
            throw new IllegalArgumentException("run of " + count + " blocks in " + b.length + " bytes");
        }
        int[] crcs = new int[count];
        for (int i = 0; i < count; i++) {
            crcs[i] = in.getInt();
        }
        return run(offset, blockLength, crcs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapRecord r && Objects.equals(single, r.single) && offset == r.offset
                && blockLength == r.blockLength && Arrays.equals(crcs, r.crcs);
    }

    @Override
    public int hashCode() {
        return single != null ? single.hashCode() : Long.hashCode(offset) * 31 + Arrays.hashCode(crcs);
    }

    @Override
    public String toString() {
        return single != null ? single.toString() : "run of " + crcs.length + " x " + blockLength + " at " + offset;
    }
}
