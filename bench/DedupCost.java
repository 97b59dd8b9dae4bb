// Cost of the dedup table per unique block (issue 4), on disk and in memory: fills a DedupTable in a
// real RocksDB store (the pool's RocksKeyValueStore) with N entries of random SHA-256 hashes pointing
// at packed fragments (the larger, 20-byte map value), in batches as a pool would commit them, then
// reopens the store (recovering the log into SST files) and reports bytes per entry; times N lookups
// of present and absent hashes with a cold and a warm cache. Then the same N unique blocks through
// a whole pool (file device, RocksDB): written once to a volume with dedup=off and once to one with
// dedup=on in two fresh pools, so the difference of their metadata is what the table costs there
// (entries, back references, counts, and RocksDB's own overhead), and the DedupStats the pool
// reports. Java's source-file mode:
//
//   mvn -q -o -pl thin-pool compile dependency:build-classpath -Dmdep.outputFile=build/classpath
//   java -cp thin-pool/build/classes:$(cat thin-pool/build/classpath) bench/DedupCost.java [N] [CACHE_MIB]
//
// Not part of the product.
import io.cistern.thinpool.compress.Codec;
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import io.cistern.thinpool.dedup.DedupStats;
import io.cistern.thinpool.dedup.DedupTable;
import io.cistern.thinpool.kv.Batch;
import io.cistern.thinpool.kv.RocksKeyValueStore;
import io.cistern.thinpool.meta.PackedMapping;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.cistern.thinpool.pool.Volume;
import io.cistern.thinpool.pool.VolumeSpec;
import java.nio.ByteBuffer;
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
            delete(dir);
        }
        long off = poolMetadata(n, Dedup.OFF, cacheBytes);
        long on = poolMetadata(n, Dedup.ON, cacheBytes);
        System.out.printf("through the pool: metadata SST bytes %d with dedup off, %d with dedup on: %.1f bytes per"
                + " DDT entry on disk%n", off, on, (double) (on - off) / n);
    }

    /** Writes n unique lz4-compressible blocks to a new pool's volume; returns its metadata's SST bytes. */
    static long poolMetadata(int n, Dedup dedup, long cacheBytes) throws Exception {
        Path dir = Files.createTempDirectory("ddt-pool");
        try {
            Path meta = dir.resolve("meta");
            PoolConfig config = PoolConfig.defaults().withDedupCacheBytes(cacheBytes);
            long start = System.nanoTime();
            try (Pool pool = Pool.createOnFile(dir.resolve("pool.img"), (long) n * 4096 + (1L << 30), false, meta, config)) {
                Volume v = pool.createVolume("v", VolumeSpec.sparse((long) n * 4096).withCompression(Compression.LZ4)
                        .withDedup(dedup));
                ByteBuffer run = ByteBuffer.allocate(256 * 4096);
                for (int b = 0; b < n; b += 256) {
                    int count = Math.min(256, n - b);
                    run.clear();
                    for (int i = 0; i < count; i++) {
                        block(b + i, run);
                    }
                    v.write((long) b * 4096, run.flip(), false).join();
                }
                pool.flush().join();
                System.out.printf("pool, dedup=%s: %d blocks written in %.1f s; %s%n", dedup, n,
                        (System.nanoTime() - start) / 1e9, pool.properties().dedup());
            }
            try (RocksKeyValueStore store = new RocksKeyValueStore(meta, 64 << 20)) {
                // reopened: the log recovered into SST files
            }
            return size(meta, ".sst");
        } finally {
            delete(dir);
        }
    }

    /** Block {@code i}: unique (its number, then a random quarter), the rest text that lz4 halves. */
    static void block(int i, ByteBuffer out) {
        Random r = new Random(i);
        int start = out.position();
        out.putInt(i);
        while (out.position() < start + 1024) {
            out.put((byte) r.nextInt());
        }
        while (out.position() < start + 4096) {
            out.put((byte) ('a' + (out.position() % 23)));
        }
    }

    static void delete(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
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
