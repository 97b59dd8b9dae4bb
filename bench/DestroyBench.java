// Measures destroying a large volume (issue 5): how long Pool.destroy takes and how long another
// volume's I/O waits meanwhile. Run in Java's source-file mode against thin-pool's classes:
//
//   mvn -q -o -pl thin-pool dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
//   java -cp thin-pool/build/classes:$(cat /tmp/cp.txt) bench/DestroyBench.java DIR [WRITTEN_GIB] [VOLSIZE_GIB]
//
// Makes a pool on a sparse file in DIR (removed at the end), a sparse volume of VOLSIZE_GIB (16)
// with WRITTEN_GIB (4) written in 1 MiB writes of 4 KiB blocks, then destroys it while a probe
// thread writes (FUA) and reads 4 KiB blocks of a small volume one at a time, and prints the probe's
// latencies before and during the destroy. Not part of the product: main sources are untouched.
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.cistern.thinpool.pool.Volume;
import io.cistern.thinpool.pool.VolumeSpec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

public final class DestroyBench {
    private static final long GiB = 1L << 30;
    private static final int MiB = 1 << 20;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long written = (long) (args.length > 1 ? Double.parseDouble(args[1]) * GiB : 4 * GiB);
        long volsize = args.length > 2 ? Long.parseLong(args[2]) * GiB : 16 * GiB;
        Files.createDirectories(dir);
        Path file = dir.resolve("pool.img");
        Path meta = dir.resolve("meta");
        try (Pool pool = Pool.createOnFile(file, volsize + 4 * GiB, false, meta, PoolConfig.defaults())) {
            Volume big = pool.createVolume("big", VolumeSpec.sparse(volsize));
            Volume small = pool.createVolume("small", VolumeSpec.sparse(64L * MiB));
            long t0 = System.nanoTime();
            List<CompletableFuture<Void>> inflight = new ArrayList<>();
            for (long off = 0; off < written; off += MiB) {
                ByteBuffer b = ByteBuffer.allocate(MiB);
                for (int i = 0; i < MiB; i += 512) {
                    b.putLong(i, off + i + 1); // never zero, never a duplicate
                }
                inflight.add(big.write(off, b, false));
                if (inflight.size() == 16) {
                    CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).join();
                    inflight.clear();
                }
            }
            CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).join();
            big.flush().join();
            System.out.printf("wrote %.2f GiB in %.1f s%n", (double) written / GiB, secs(t0));
            small.write(0, ByteBuffer.allocate(64 * MiB), true).join();

            System.out.println("probe alone:  " + probe(small, 3_000_000_000L, null));
            AtomicBoolean done = new AtomicBoolean();
            long[] destroyNanos = new long[2];
            Thread destroyer = new Thread(() -> {
                long t = System.nanoTime();
                var freeing = pool.destroy("big", false, share -> { });
                destroyNanos[0] = System.nanoTime() - t;
                freeing.done().join();
                destroyNanos[1] = System.nanoTime() - t;
                done.set(true);
            });
            destroyer.start();
            String during = probe(small, 600_000_000_000L, done);
            destroyer.join();
            System.out.printf("destroy of %d GiB volume with %.2f GiB written: name gone in %.3f s, space free in %.2f s%n",
                    volsize / GiB, (double) written / GiB, destroyNanos[0] / 1e9, destroyNanos[1] / 1e9);
            System.out.println("probe during: " + during);
            System.out.println("pool after: " + pool.properties());
        } finally {
            Files.deleteIfExists(file);
            try (var s = Files.walk(meta)) {
                s.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One 4 KiB FUA write then one 4 KiB read at a time, until {@code stop} or {@code nanos}; latency summary. */
    private static String probe(Volume v, long nanos, AtomicBoolean stop) {
        List<Long> lat = new ArrayList<>();
        long start = System.nanoTime();
        for (long i = 0; (stop == null || !stop.get()) && System.nanoTime() - start < nanos && i < 10_000_000; i++) {
            long off = (i * 7919 % 16384) * 4096;
            long t = System.nanoTime();
            v.write(off, ByteBuffer.allocate(4096).putLong(0, i + 1), true).join();
            v.read(off, 4096).join();
            lat.add(System.nanoTime() - t);
        }
        Collections.sort(lat);
        if (lat.isEmpty()) {
            return "no probes";
        }
        return String.format("%d write+read pairs, median %.2f ms, p99 %.2f ms, max %.1f ms", lat.size(),
                lat.get(lat.size() / 2) / 1e6, lat.get(lat.size() * 99 / 100) / 1e6, lat.get(lat.size() - 1) / 1e6);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
