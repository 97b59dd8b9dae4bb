// Space and time of lone small compressed writes (issue 4: fragments packed at their real size
// across requests): N random 4 KiB writes, each its own request awaited before the next (queue
// depth 1, the worst case for packing), of half-compressible blocks (half random bytes, half text:
// lz4 stores about 2.1 KiB of each), into a volume far larger than N blocks so few overwrite each
// other. Reports the pool's ALLOC against the live fragments' bytes (the volume's used) and the raw
// size, and the mean time per write. A file-backed pool with RocksDB, as the daemon runs it:
//
//   mvn -q -o -pl thin-pool compile dependency:build-classpath -Dmdep.outputFile=build/classpath
//   java -cp thin-pool/build/classes:$(cat thin-pool/build/classpath) bench/PackBench.java [N] [DIR]
//
// Not part of the product.
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.cistern.thinpool.pool.PoolProperties;
import io.cistern.thinpool.pool.Volume;
import io.cistern.thinpool.pool.VolumeProperties;
import io.cistern.thinpool.pool.VolumeSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

public class PackBench {
    private static final int BS = 4096;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir")), "pack");
        long volBlocks = 1L << 20; // 4 GiB volume: 20k random blocks rarely meet
        try (Pool pool = Pool.createOnFile(dir.resolve("pool.img"), 8L << 30, false, dir.resolve("meta"), PoolConfig.defaults())) {
            Volume v = pool.createVolume("v", VolumeSpec.sparse(volBlocks * BS));
            Random r = new Random(1);
            byte[] text = "a file system block full of text that compresses well; ".getBytes(StandardCharsets.US_ASCII);
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT, the second is measured
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    byte[] b = new byte[BS];
                    r.nextBytes(b);
                    for (int k = BS / 2; k < BS; k++) {
                        b[k] = text[(k + i) % text.length];
                    }
                    long block = (long) (r.nextDouble() * volBlocks);
                    v.write(block * BS, ByteBuffer.wrap(b), false).join();
                }
                double us = (System.nanoTime() - start) / 1e3 / n;
                pool.flush().join();
                VolumeProperties p = pool.properties("v");
                PoolProperties pp = pool.properties();
                System.out.printf("round %d: %d lone 4K writes, %.1f us each; logicalused %,d, used (live fragments) %,d,"
                        + " pool ALLOC %,d = %.3f of used, %.3f of raw%n", round, n, us, p.logicalused(), p.usedbydataset(),
                        pp.allocated(), (double) pp.allocated() / p.usedbydataset(), (double) pp.allocated() / p.logicalused());
            }
            System.out.println(pool.check().clean() ? "check clean" : "check: " + pool.check().problems());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
