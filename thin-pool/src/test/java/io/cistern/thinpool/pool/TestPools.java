package io.cistern.thinpool.pool;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.nio.ByteBuffer;
import java.util.Random;

/** Small helpers shared by the pool tests. */
final class TestPools {
    static final long MiB = 1L << 20;

    private TestPools() {
    }

    static Pool memory(long size) throws Exception {
        return Pool.create("test", new MemoryDevice(size), new MemoryKeyValueStore(), PoolConfig.defaults());
    }

    /** {@code length} bytes of pseudo-random, never all-zero data. */
    static ByteBuffer random(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        for (int i = 0; i < length; i += 512) {
            b[i] |= 1;
        }
        return ByteBuffer.wrap(b);
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
