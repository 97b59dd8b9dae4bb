package io.cistern.thinpool.pool;

import static io.cistern.thinpool.pool.TestPools.MiB;
import static io.cistern.thinpool.pool.TestPools.bytes;
import static io.cistern.thinpool.pool.TestPools.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lone small compressed writes (each its own request, random offsets, commits in between) share
 * packed extents at their fragments' real size: the open extent of {@code OpenExtent}.
 */
class PackingAcrossRequestsTest {
    private static final int BS = 4096;

    @TempDir
    Path dir;

    /** A block half random bytes, half text: lz4 stores a little over half of it. */
    static byte[] halfCompressible(long seed) {
        byte[] b = new byte[BS];
        Random r = new Random(seed);
        r.nextBytes(b);
        byte[] text = ("block " + seed + " of text that compresses; ").getBytes(StandardCharsets.US_ASCII);
        for (int k = BS / 2; k < BS; k++) {
            b[k] = text[k % text.length];
        }
        return b;
    }

    @Test
    void loneWritesAllocateAboutTheirFragmentsAndReadBackAcrossReopen() throws Exception {
        Path meta = dir.resolve("meta");
        Path file = dir.resolve("p.img");
        int blocks = 16384;
        Map<Integer, byte[]> expected = new HashMap<>();
        Random r = new Random(4);
        try (Pool pool = Pool.createOnFile(file, 256 * MiB, false, meta, PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse((long) blocks * BS));
            for (int i = 0; i < 2000; i++) {
                int block = r.nextInt(blocks);
                byte[] b = halfCompressible(i);
                expected.put(block, b);
                v.write((long) block * BS, ByteBuffer.wrap(b), i % 50 == 0).join(); // FUA now and then: commits between
                if (i % 97 == 0) {
                    v.flush().join();
                }
            }
            pool.flush().join();
            VolumeProperties p = pool.properties("v");
            long allocated = pool.properties().allocated();
            assertTrue(p.usedbydataset() < p.logicalused() * 0.6, p.usedbydataset() + " of " + p.logicalused());
            // the live fragments, plus each full extent's tail (under a fragment), the dead fragments of the
            // few blocks written twice and the open extent's end
            assertTrue(allocated < p.usedbydataset() * 1.08, "ALLOC " + allocated + " for " + p.usedbydataset()
                    + " bytes of fragments");
            assertTrue(allocated >= p.usedbydataset());
            readsBack(v, expected);
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems().toString());
        }
        try (Pool pool = Pool.openDevice(file, meta, PoolConfig.defaults())) {
            Volume v = pool.volume("v");
            readsBack(v, expected);
            for (int i = 0; i < 300; i++) { // the extent open before the close is forgotten; new ones open
                int block = r.nextInt(blocks);
                byte[] b = halfCompressible(10_000 + i);
                expected.put(block, b);
                v.write((long) block * BS, ByteBuffer.wrap(b), false).join();
            }
            readsBack(v, expected);
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems().toString());
            assertTrue(pool.scrub().join().damaged().isEmpty());
        }
    }

    /**
     * Overwrites, UNMAP, snapshots, clones, rollback and destroy on lone writes, against a model: data
     * exact, check clean throughout, and once every block and snapshot is gone, nothing allocated.
     */
    @Test
    void extentsSharedByLoneWritesAreFreedWhenTheirLastOwnerGoes() throws Exception {
        for (Dedup dedup : List.of(Dedup.OFF, Dedup.VERIFY)) {
            try (Pool pool = TestPools.memory(128 * MiB)) {
                int blocks = 512;
                Volume v = pool.createVolume("v", VolumeSpec.sparse((long) blocks * BS).withDedup(dedup));
                byte[][] model = new byte[blocks][];
                Map<String, byte[][]> snaps = new HashMap<>();
                List<String> clones = new ArrayList<>();
                Random r = new Random(dedup.ordinal());
                for (int op = 0; op < 3000; op++) {
                    int block = r.nextInt(blocks);
                    int kind = r.nextInt(100);
                    if (kind < 70) {
                        long seed = dedup == Dedup.OFF ? op : r.nextInt(40); // dedup: contents repeat
                        byte[] b = r.nextInt(10) == 0 ? bytes(random(op, BS)) : halfCompressible(seed); // some raw
                        model[block] = b;
                        v.write((long) block * BS, ByteBuffer.wrap(b), r.nextInt(8) == 0).join();
                    } else if (kind < 85) {
                        int n = 1 + r.nextInt(Math.min(8, blocks - block));
                        v.unmap((long) block * BS, (long) n * BS).join();
                        for (int k = 0; k < n; k++) {
                            model[block + k] = null;
                        }
                    } else if (kind < 88) {
                        String name = "s" + op;
                        pool.snapshot("v", name);
                        snaps.put("v@" + name, model.clone());
                    } else if (kind < 89 && snaps.keySet().stream().anyMatch(s -> s.startsWith("v@"))) {
                        List<String> snapshots = snaps.keySet().stream().filter(s -> s.startsWith("v@")).sorted().toList();
                        String snap = snapshots.get(r.nextInt(snapshots.size()));
                        String clone = "c" + op;
                        pool.clone(snap, clone, true);
                        clones.add(clone);
                        pool.volume(clone).write(0, ByteBuffer.wrap(halfCompressible(-op)), false).join();
                        snaps.put(clone, snaps.get(snap).clone());
                        snaps.get(clone)[0] = halfCompressible(-op);
                    } else if (kind < 91 && !snaps.isEmpty()) {
                        String newest = snaps.keySet().stream().filter(s -> s.startsWith("v@"))
                                .max((a, b) -> Integer.compare(Integer.parseInt(a.substring(3)), Integer.parseInt(b.substring(3))))
                                .orElse(null);
                        if (newest != null && clones.stream().noneMatch(c -> pool.properties(c).origin().equals(newest))) {
                            pool.rollback(newest);
                            model = snaps.get(newest).clone();
                        }
                    } else if (kind < 94 && !snaps.isEmpty()) {
                        String victim = new ArrayList<>(snaps.keySet()).get(r.nextInt(snaps.size()));
                        if (victim.startsWith("c") || clones.stream().noneMatch(c -> pool.properties(c).origin().equals(victim))) {
                            pool.destroy(victim, false);
                            snaps.remove(victim);
                            clones.remove(victim);
                        }
                    } else if (kind < 96) {
                        v.flush().join();
                    }
                    if (op % 500 == 499) {
                        CheckReport check = pool.check();
                        assertTrue(check.clean(), dedup + " op " + op + ": " + check.problems());
                    }
                }
                assertHolds(model, v, dedup + " v");
                for (Map.Entry<String, byte[][]> s : snaps.entrySet()) {
                    assertHolds(s.getValue(), pool.volume(s.getKey()), dedup + " " + s.getKey());
                }
                CheckReport check = pool.check();
                assertTrue(check.clean(), dedup + ": " + check.problems());
                for (String c : clones) {
                    pool.destroy(c, false);
                }
                for (String s : pool.list()) {
                    if (s.startsWith("v@")) {
                        pool.destroy(s, false);
                    }
                }
                v.unmap(0, (long) blocks * BS).join();
                pool.flush().join();
                assertEquals(0, pool.properties().allocated(), dedup + ": every extent freed with its last owner");
                check = pool.check();
                assertTrue(check.clean(), dedup + ": " + check.problems());
                v.write(0, ByteBuffer.wrap(halfCompressible(1)), true).join(); // packs afresh after its extent was freed
                assertArrayEquals(halfCompressible(1), bytes(v.read(0, BS).join()));
                assertTrue(pool.check().clean());
            }
        }
    }

    /** A pool with less room than an open extent still takes a lone compressed write, in an extent of its size. */
    @Test
    void nearlyFullPoolStoresALoneFragmentWithoutLeavingAnExtentOpen() throws Exception {
        try (Pool pool = TestPools.memory(8 * MiB)) {
            Volume raw = pool.createVolume("raw", VolumeSpec.sparse(8 * MiB).withCompression(Compression.OFF));
            int block = 0;
            while (pool.properties().available() >= 64 * 1024) {
                raw.write((long) block * BS, random(block, BS), false).join();
                block++;
            }
            long before = pool.properties().allocated();
            long available = pool.properties().available();
            assertTrue(available >= BS, available + " bytes left");
            Volume v = pool.createVolume("v", VolumeSpec.sparse(MiB));
            v.write(0, ByteBuffer.wrap(halfCompressible(1)), true).join();
            assertEquals(before + BS, pool.properties().allocated(), "one unit, not a whole open extent");
            assertArrayEquals(halfCompressible(1), bytes(v.read(0, BS).join()));
            CheckReport check = pool.check();
            assertTrue(check.clean(), check.problems().toString());
        }
    }

    private static void assertHolds(byte[][] model, Volume v, String what) {
        ByteBuffer all = v.read(0, model.length * BS).join();
        for (int i = 0; i < model.length; i++) {
            byte[] want = model[i] == null ? new byte[BS] : model[i];
            byte[] got = new byte[BS];
            all.get(all.position() + i * BS, got);
            assertArrayEquals(want, got, what + " block " + i);
        }
    }

    private static void readsBack(Volume v, Map<Integer, byte[]> expected) {
        for (Map.Entry<Integer, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), bytes(v.read((long) e.getKey() * BS, BS).join()), "block " + e.getKey());
        }
    }
}
