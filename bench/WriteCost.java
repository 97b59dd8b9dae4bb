// CPU per pool thread for the thin pool's write cases and one read case (issue 3), without iSCSI: a file pool (RocksDB
// metadata, as the daemon runs it) with a 1 GiB sparse 4 KiB volume, compression and dedup off, filled
// with 1 MiB writes, then PASSES passes of one case, each ending with a flush:
//   seq   1 GiB of 1 MiB overwrites in order, 8 in flight (bench-thin's "1 MiB sequential write");
//   rand  200,000 4 KiB overwrites at a prime stride, 32 in flight (its "4 KiB random write");
//   snap  rand after a snapshot taken before each pass (its "overwrite after a snapshot": every write
//         keeps the old block for the snapshot, a dead-list entry, and frees nothing); the previous
//         pass's snapshot is destroyed first, untimed;
//   fragread  1 GiB of 1 MiB reads in order, 8 in flight, after one untimed rand pass scattered the
//         volume (its "1 MiB read after the random writes": 256 blocks from all over the pool per read).
// Prints, per pass, the wall time and the CPU each pool thread used (ThreadMXBean), then the median over
// the passes after the first two (the first rand pass also splits the fill's 1 MiB runs, and the JIT is
// still compiling). The metadata thread ("pool-NAME") is the one to watch: it is single, so its time
// per write bounds the pool whatever the cores, and on a 2-vCPU machine it competes with the target.
// Java's source-file mode:
//
//   mvn -q -o -pl thin-pool compile dependency:build-classpath -Dmdep.outputFile=build/classpath
//   java -cp thin-pool/build/classes:$(cat thin-pool/build/classpath) bench/WriteCost.java seq|rand|snap|fragread [PASSES] [DIR]
//
// DIR (default /dev/shm) takes the pool file and its metadata; both are removed at the end.
// Not part of the product.
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.cistern.thinpool.pool.Volume;
import io.cistern.thinpool.pool.VolumeSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

public class WriteCost {
    private static final long VOLUME = 1L << 30;
    private static final int RANDOM_WRITES = 200_000;
    private static final long PRIME = 1_000_003L; // odd, so a pass meets 200,000 distinct blocks of the 262,144

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "seq";
        if (!List.of("seq", "rand", "snap", "fragread").contains(mode)) {
            throw new IllegalArgumentException("mode must be seq, rand, snap or fragread: " + mode);
        }
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        Path dir = Files.createTempDirectory(Path.of(args.length > 2 ? args[2] : "/dev/shm"), "writecost");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Map<String, Long>> rows = new ArrayList<>();
        try (Pool pool = Pool.createOnFile(dir.resolve("pool.img"), 4L << 30, false, dir.resolve("meta"),
                PoolConfig.defaults().withWriteBackBytes(Long.getLong("writeback", PoolConfig.defaults().writeBackBytes())))) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(VOLUME).withCompression(Compression.OFF));
            byte[] bytes = new byte[1 << 20];
            new Random(1).nextBytes(bytes);
            ByteBuffer data = ByteBuffer.wrap(bytes);
            pass(v, "seq", data);
            if (mode.equals("fragread")) {
                pass(v, "rand", data);
            }
            pool.flush().join();
            for (int p = 0; p < passes; p++) {
                if (mode.equals("snap")) { // one snapshot at a time: the pool holds the volume twice at most
                    if (p > 0) {
                        pool.destroy("v@s" + (p - 1), false);
                    }
                    pool.snapshot("v", "s" + p);
                    pool.flush().join(); // the commit that records the destroy's frees (a sort of 200k) stays untimed
                }
                Map<String, Long> before = cpu(threads);
                long start = System.nanoTime();
                pass(v, mode, data);
                pool.flush().join();
                Map<String, Long> row = new TreeMap<>();
                row.put("wall", (System.nanoTime() - start) / 1_000_000);
                cpu(threads).forEach((name, ns) -> row.put(name, (ns - before.getOrDefault(name, 0L)) / 1_000_000));
                row.values().removeIf(ms -> ms < 5);
                System.out.println(mode + " pass " + p + " (ms): " + row);
                if (p >= 2) {
                    rows.add(row);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Map<String, Long> median = new TreeMap<>();
        rows.forEach(r -> r.keySet().forEach(k -> median.put(k, median(rows, k))));
        System.out.println(mode + " median of passes 2.." + (passes - 1) + " (ms): " + median);
    }

    private static void pass(Volume v, String mode, ByteBuffer data) {
        boolean seq = mode.equals("seq") || mode.equals("fragread");
        int depth = seq ? 8 : 32;
        long requests = seq ? VOLUME >> 20 : RANDOM_WRITES;
        Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        ByteBuffer[] readInto = new ByteBuffer[depth]; // reused: slot i % depth is free once depth are in flight
        for (long i = 0; i < requests; i++) {
            if (inFlight.size() == depth) {
                inFlight.poll().join();
            }
            if (mode.equals("fragread")) {
                int slot = (int) (i % depth);
                if (readInto[slot] == null) {
                    readInto[slot] = ByteBuffer.allocateDirect(1 << 20);
                }
                inFlight.add(v.read(i << 20, readInto[slot].clear()));
            } else if (seq) {
                inFlight.add(v.write(i << 20, data.duplicate(), false));
            } else {
                long block = i * PRIME % (VOLUME >> 12);
                inFlight.add(v.write(block << 12, data.slice((int) (i % 256) * 4096, 4096), false));
            }
        }
        inFlight.forEach(CompletableFuture::join);
    }

    /** CPU nanoseconds per thread name, numbered threads of one pool summed ("cistern-prepare-3" as "cistern-prepare"). */
    private static Map<String, Long> cpu(ThreadMXBean threads) {
        Map<String, Long> out = new TreeMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            long ns = t == null ? -1 : threads.getThreadCpuTime(t.getThreadId());
            if (ns > 0) {
                out.merge(t.getThreadName().replaceAll("[-0-9]+$", ""), ns, Long::sum);
            }
        }
        return out;
    }

    private static long median(List<Map<String, Long>> rows, String key) {
        long[] v = rows.stream().mapToLong(r -> r.getOrDefault(key, 0L)).sorted().toArray();
        return v[v.length / 2];
    }
}
