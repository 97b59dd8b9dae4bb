package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * Many clients writing, unmapping, snapshotting and reading one small volume at once, so freed space
 * is reused within milliseconds while reads run on reader threads. Every read must return, for each
 * block, zeros or one whole version ever written there (never torn, never another block's), and
 * never fail its checksum: space a read may still look at is not reused under it.
 */
class ConcurrencyTest {
    private static final int B = 4096;
    private static final int BLOCKS = 64;

    @Test
    void readsNeverSeeReusedSpace() throws Exception {
        PoolConfig config = PoolConfig.defaults().withCommitIntervalMillis(1);
        try (Pool pool = Pool.create("c", new MemoryDevice(4 * MiB), new MemoryKeyValueStore(), config)) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse((long) BLOCKS * B));
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int client = t;
                clients.add(new Thread(() -> {
                    Random rnd = new Random(client);
                    List<CompletableFuture<?>> inFlight = new ArrayList<>();
                    for (int i = 0; i < 400; i++) {
                        int block = rnd.nextInt(BLOCKS - 4);
                        int op = rnd.nextInt(10);
                        if (op < 4) {
                            inFlight.add(v.write((long) block * B, content(block, 4, rnd.nextInt(1 << 20) + 1), rnd.nextInt(8) == 0));
                        } else if (op < 5) {
                            inFlight.add(v.unmap((long) block * B, 2L * B));
                        } else if (op < 6 && client == 0 && i % 50 == 0) {
                            pool.snapshot("v", "s" + i);
                            pool.destroy("v@s" + i, false);
                        } else {
                            inFlight.add(v.read((long) block * B, 4 * B).thenAccept(b -> verify(block, b)));
                        }
                        if (inFlight.size() > 16) {
                            drain(inFlight, errors);
                        }
                    }
                    drain(inFlight, errors);
                }));
            }
            clients.forEach(Thread::start);
            for (Thread c : clients) {
                c.join();
            }
            assertTrue(errors.isEmpty(), () -> errors.peek().toString());
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems()::toString);
            assertEquals(0, pool.scrub().join().damaged().size());
        }
    }

    private static void drain(List<CompletableFuture<?>> inFlight, ConcurrentLinkedQueue<Throwable> errors) {
        for (CompletableFuture<?> f : inFlight) {
            try {
                f.join();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        inFlight.clear();
    }

    /** {@code count} blocks from {@code block}, each naming its block and seed, then derived bytes. */
    private static ByteBuffer content(int block, int count, int seed) {
        ByteBuffer b = ByteBuffer.allocate(count * B);
        for (int i = 0; i < count; i++) {
            b.position(i * B).putInt(block + i).putInt(seed);
            for (int j = 8; j < B; j += 4) {
                b.putInt(seed * 31 + j + block + i);
            }
        }
        return b.clear();
    }

    private static void verify(int block, ByteBuffer read) {
        for (int i = 0; i < read.remaining() / B; i++) {
            int at = read.position() + i * B;
            int owner = read.getInt(at);
            int seed = read.getInt(at + 4);
            if (owner == 0 && seed == 0) {
                for (int j = 0; j < B; j++) {
                    if (read.get(at + j) != 0) {
                        throw new AssertionError("block " + (block + i) + " is neither zeros nor a version");
                    }
                }
                continue;
            }
            if (owner != block + i) {
                throw new AssertionError("block " + (block + i) + " holds block " + owner + "'s data");
            }
            for (int j = 8; j < B; j += 4) {
                if (read.getInt(at + j) != seed * 31 + j + owner) {
                    throw new AssertionError("block " + (block + i) + " is torn");
                }
            }
        }
    }
}
