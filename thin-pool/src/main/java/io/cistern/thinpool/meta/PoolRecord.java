package io.cistern.thinpool.meta;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The superblock: the pool's identity and layout, and the two counters every commit may advance.
 * Rewritten in the same batch as the change that advances them.
 *
 * @param uuid       matches the label at offset 0 of the device, so metadata is never applied to
 *                   the wrong device
 * @param dataStart  first byte of the data area (after the label)
 * @param dataEnd    end of the data area
 * @param unit       allocation unit in bytes
 * @param nextId     next dataset id
 * @param gen        current generation: blocks written now are born at it; each snapshot ends one
 */
public record PoolRecord(int version, UUID uuid, long dataStart, long dataEnd, int unit, long nextId, long gen,
        long creationMillis) {
    public static final int VERSION = 1;
    private static final int BYTES = 4 + 16 + 8 * 5 + 4;

    public PoolRecord withNextId(long id) {
        return new PoolRecord(version, uuid, dataStart, dataEnd, unit, id, gen, creationMillis);
    }

    public PoolRecord withGen(long g) {
        return new PoolRecord(version, uuid, dataStart, dataEnd, unit, nextId, g, creationMillis);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putInt(version).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).putLong(dataStart).putLong(dataEnd).putInt(unit)
                .putLong(nextId).putLong(gen).putLong(creationMillis).array();
    }

    public static PoolRecord decode(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b);
        int version = in.getInt();
        if (version != VERSION) {
            throw new IllegalStateException("pool metadata version " + version + " is not supported (expected " + VERSION + ")");
        }
        return new PoolRecord(version, new UUID(in.getLong(), in.getLong()), in.getLong(), in.getLong(), in.getInt(),
                in.getLong(), in.getLong(), in.getLong());
    }
}
