// Block-hash throughput for the dedup table (issue 4): SHA-256 (JDK MessageDigest) vs BLAKE3 on
// 4 KiB blocks of random data, one thread, in Java's source-file mode:
//
//   java -cp BCPROV.jar:COMMONS-CODEC.jar bench/HashBench.java [SECONDS_PER_ROUND] [ROUNDS]
//
// BLAKE3 from Maven Central: Bouncy Castle's Blake3Digest and Apache Commons Codec's Blake3, both
// pure Java (no native BLAKE3 binding on Central is maintained). Each round hashes the same 256
// blocks over and over for SECONDS_PER_ROUND (default 2) per algorithm, in turn; the first round
// is warm-up and not reported. Prints MB/s and ns per block; the best round of each counts.
// Not part of the product.
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

public class HashBench {
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        byte[][] blocks = new byte[256][4096];
        Random r = new Random(42);
        for (byte[] b : blocks) {
            r.nextBytes(b);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        org.bouncycastle.crypto.digests.Blake3Digest bc = new org.bouncycastle.crypto.digests.Blake3Digest(256);
        Map<String, Function<byte[], byte[]>> algs = new LinkedHashMap<>();
        algs.put("SHA-256 (JDK " + System.getProperty("java.version") + ")", sha::digest);
        algs.put("BLAKE3 (Bouncy Castle Blake3Digest)", b -> {
            byte[] out = new byte[32];
            bc.update(b, 0, b.length);
            bc.doFinal(out, 0);
            return out;
        });
        algs.put("BLAKE3 (commons-codec Blake3)", b -> org.apache.commons.codec.digest.Blake3.hash(b));
        Map<String, Double> best = new LinkedHashMap<>();
        long sink = 0;
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Function<byte[], byte[]>> a : algs.entrySet()) {
                long n = 0;
                long start = System.nanoTime();
                long end = start + (long) (seconds * 1e9);
                long now;
                do {
                    for (byte[] b : blocks) {
                        sink += a.getValue().apply(b)[0];
                    }
                    n += blocks.length;
                    now = System.nanoTime();
                } while (now < end);
                double mbps = n * 4096.0 / ((now - start) / 1e9) / 1e6;
                if (round > 0) {
                    best.merge(a.getKey(), mbps, Math::max);
                }
            }
        }
        for (Map.Entry<String, Double> e : best.entrySet()) {
            System.out.printf("%-40s %8.0f MB/s  %6.0f ns per 4 KiB block%n", e.getKey(), e.getValue(), 4096e3 / e.getValue());
        }
        System.out.println("(sink " + sink + ")");
    }
}
