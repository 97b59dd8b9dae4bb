// Cost of the dedup table per unique block (issue 4), on disk and in memory: fills a DedupTable in a
// real RocksDB store (the pool's RocksKeyValueStore) with N entries of random SHA-256 hashes pointing
// at packed fragments (the larger, 20-byte map value), in batches as a pool would commit them, then
// reopens the store (recovering the log into SST files) and reports bytes per entry; times N lookups
// of present and absent hashes with a cold and a warm cache. Java's source-file mode:
//
//   mvn -q -o -pl thin-pool compile dependency:build-classpath -Dmdep.outputFile=build/classpath
//   java -cp thin-pool/build/classes:$(cat thin-pool/build/classpath) bench/DedupCost.java [N] [CACHE_MIB]
//
// Not part of the product.
import io.cistern.thinpool.compress.Codec;
import io.cistern.thinpool.dedup.DedupStats;
import io.cistern.thinpool.dedup.DedupTable;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.RocksKeyValueStore;
import io.cistern.thinpool.meta.PackedMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

public class DedupCost {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long cacheBytes = (args.length > 1 ? Long.parseLong(args[1]) : 16) << 20;
        Path dir = Files.createTempDirectory("ddt-cost");
        try {
            long start = System.nanoTime();
            try (RocksKeyValueStore store = new RocksKeyValueStore(dir, 64 << 20)) {
                DedupTable t = new DedupTable(store, cacheBytes);
                Random r = new Random(1);
                Batch b = new Batch();
                for (int i = 0; i < n; i++) {
                    byte[] h = new byte[32];
                    r.nextBytes(h);
                    long extent = 65536L * (i / 16);
                    t.insert(b, h, new PackedMapping(extent, 1500 + (i & 1023), i, (i % 16) * 2000, 8, Codec.LZ4).encode());
                    if (b.size() >= 60_000) {
                        store.write(b, false);
                        b = new Batch();
                    }
                }
                store.write(b, true);
            }
            double fillSec = (System.nanoTime() - start) / 1e9;
            long sst;
            long total;
            try (RocksKeyValueStore store = new RocksKeyValueStore(dir, 64 << 20)) {
                DedupTable t = new DedupTable(store, cacheBytes);
                sst = size(dir, ".sst");
                total = size(dir, "");
                System.out.printf("entries %d (filled in %.1f s)%n", t.stats().entries(), fillSec);
                System.out.printf("on disk: %.1f bytes per entry in SST files (%.1f with log and manifest); "
                        + "%d bytes of keys and values per entry before the store's encoding%n",
                        (double) sst / n, (double) total / n, t.stats().diskBytesPerEntry());
                lookups(t, n, "cold cache");
                lookups(t, n, "warm cache");
                DedupStats s = t.stats();
                System.out.println(s);
                System.out.printf("in memory: %d bytes per cached entry; cap %d MiB holds %d entries%n",
                        s.bytesPerCachedEntry(), cacheBytes >> 20, cacheBytes / s.bytesPerCachedEntry());
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Looks up the first 100k inserted hashes (present) and as many random ones (absent). */
    static void lookups(DedupTable t, int n, String what) {
        int m = Math.min(n, 100_000);
        Random r = new Random(1);
        Random absent = new Random(2);
        Batch b = new Batch();
        long start = System.nanoTime();
        int found = 0;
        for (int i = 0; i < m; i++) {
            byte[] h = new byte[32];
            r.nextBytes(h);
            found += t.lookup(b, h) != null ? 1 : 0;
        }
        long mid = System.nanoTime();
        for (int i = 0; i < m; i++) {
            byte[] h = new byte[32];
            absent.nextBytes(h);
            found += t.lookup(b, h) != null ? 1 : 0;
        }
        long end = System.nanoTime();
        System.out.printf("%s: present %.2f us, absent %.2f us per lookup (%d of %d found)%n", what,
                (mid - start) / 1e3 / m, (end - mid) / 1e3 / m, found, m);
    }

    static long size(Path dir, String suffix) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
