// The ideal compression and dedup figures of disk images (issue 4), computed per block straight
// from the images with lz4-java, zstd-jni and the JDK's SHA-256, independently of the pool's code:
// what an end-to-end run through iSCSI is compared against. Java's source-file mode:
//
//   java -cp LZ4_JAR:ZSTD_JAR bench/IdealRatios.java IMG...
//   (e.g. -cp "$(cat thin-pool/build/classpath)" after
//    mvn -q -o -pl thin-pool dependency:build-classpath -Dmdep.outputFile=build/classpath)
//
// All-zero blocks are holes (a thin pool stores nothing for them) and count nowhere. Per image:
//   packed lz4 / zstd  the design: each 4 KiB block compressed alone, kept only if it saves
//                      at least 1/8, fragments packed at their real size: logical / sum of stored sizes;
//                      "+tails" also charges each 64 KiB packed extent's tail (fragments end to end
//                      in block order, extents rounded up to 4 KiB) -- what our Packer allocates
//   zfs 4K / 16K lz4   ZFS's way: one block size, a compressed block rounded up to 4 KiB sectors
//                      (ashift=12), kept only if that saves 1/8
// Across all images: dedup at 4 KiB and 16 KiB (logical / unique, by SHA-256), and dedup with packed
// lz4 (and zstd) together: logical / sum of stored sizes of the unique 4 KiB blocks.
// Not part of the product.
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

public class IdealRatios {
    static final int B = 4096;
    static final int BIG = 16384;
    static final int EXTENT = 65536;
    static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();
    static final ThreadLocal<ZstdCompressCtx> ZSTD = ThreadLocal.withInitial(() -> new ZstdCompressCtx().setLevel(3));
    static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    });
    static final ThreadLocal<ByteBuffer> OUT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(2 * BIG));

    /** Per-block results of one image. */
    record Image(String name, int blocks, int[] lz4, int[] zstd, byte[][] hash, int chunks, int[] zfs16, byte[][] hash16) {
    }

    static boolean zero(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        return true;
    }

    static int lz4(ByteBuffer src) {
        ByteBuffer out = OUT.get();
        return LZ4.compress(src, src.position(), src.remaining(), out, 0, out.capacity());
    }

    static int zstd(ByteBuffer src) {
        ByteBuffer out = OUT.get();
        return ZSTD.get().compressDirectByteBuffer(out, 0, out.capacity(), src, src.position(), src.remaining());
    }

    static byte[] sha(ByteBuffer src) {
        MessageDigest d = SHA.get();
        d.update(src.duplicate());
        return d.digest();
    }

    /** Stored bytes of a block packed at real size: the fragment if it saves 1/8, else the block. */
    static int packed(int len, int block) {
        return len <= block - block / 8 ? len : block;
    }

    /** ZFS: rounded up to 4 KiB sectors, kept compressed only if that saves 1/8. */
    static int zfs(int len, int block) {
        int rounded = (len + B - 1) / B * B;
        return rounded <= block - block / 8 ? rounded : block;
    }

    static Image analyze(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            int blocks = (int) (size / B);
            int chunks = (int) (size / BIG);
            int[] lz4 = new int[blocks];
            int[] zstd = new int[blocks];
            byte[][] hash = new byte[blocks][];
            int[] zfs16 = new int[chunks];
            byte[][] hash16 = new byte[chunks][];
            int perMap = 1 << 18; // 1 GiB windows
            for (int first = 0; first < blocks; first += perMap) {
                int n = Math.min(perMap, blocks - first);
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, (long) first * B, (long) n * B);
                int base = first;
                IntStream.range(0, n).parallel().forEach(i -> {
                    ByteBuffer b = m.slice(i * B, B);
                    if (!zero(b)) {
                        lz4[base + i] = lz4(b);
                        zstd[base + i] = zstd(b);
                        hash[base + i] = sha(b);
                    }
                });
                IntStream.range(0, n * B / BIG).parallel().forEach(j -> {
                    ByteBuffer b = m.slice(j * BIG, BIG);
                    int c = base * B / BIG + j;
                    if (c < chunks && !zero(b)) {
                        zfs16[c] = zfs(lz4(b), BIG);
                        hash16[c] = sha(b);
                    }
                });
            }
            return new Image(path.getFileName().toString(), blocks, lz4, zstd, hash, chunks, zfs16, hash16);
        }
    }

    /** Allocation with 64 KiB packed extents: fragments end to end in block order, tails rounded up. */
    static final class Extents {
        long allocated;
        int fill;

        void add(int stored, boolean raw) {
            if (raw) {
                allocated += B; // a raw block is its own 4 KiB extent
                return;
            }
            if (fill == 0 || fill > 0xFFFF || fill + stored > EXTENT) {
                close();
            }
            fill += stored;
        }

        void close() {
            allocated += (fill + B - 1) / B * B;
            fill = 0;
        }
    }

    static String x(double logical, double allocated) {
        return String.format("%.2fx", logical / allocated);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java -cp LZ4_JAR:ZSTD_JAR bench/IdealRatios.java IMG...");
            System.exit(2);
        }
        System.out.printf("%-12s %9s %9s %9s %9s %9s %9s %9s%n", "image", "data MiB", "lz4", "lz4+tails", "zstd",
                "zstd+tails", "zfs4K lz4", "zfs16K lz4");
        Map<Key, Integer> unique = new HashMap<>();
        Map<Key, Boolean> unique16 = new HashMap<>();
        long logical = 0;
        long logical16 = 0;
        long uniqueLz4 = 0;
        long uniqueZstd = 0;
        Extents uniqueLz4Ext = new Extents();
        long uniqueRaw = 0;
        for (String arg : args) {
            Image im = analyze(Path.of(arg));
            long data = 0;
            long lz4 = 0;
            long zstd = 0;
            long zfs4 = 0;
            Extents lz4Ext = new Extents();
            Extents zstdExt = new Extents();
            for (int i = 0; i < im.blocks(); i++) {
                if (im.hash()[i] == null) {
                    continue;
                }
                data += B;
                int l = packed(im.lz4()[i], B);
                int z = packed(im.zstd()[i], B);
                lz4 += l;
                zstd += z;
                zfs4 += zfs(im.lz4()[i], B);
                lz4Ext.add(l, l == B);
                zstdExt.add(z, z == B);
                if (unique.putIfAbsent(new Key(im.hash()[i]), l) == null) {
                    uniqueLz4 += l;
                    uniqueZstd += z;
                    uniqueRaw += B;
                    uniqueLz4Ext.add(l, l == B);
                }
            }
            lz4Ext.close();
            zstdExt.close();
            long data16 = 0;
            long zfs16 = 0;
            for (int c = 0; c < im.chunks(); c++) {
                if (im.hash16()[c] != null) {
                    data16 += BIG;
                    zfs16 += im.zfs16()[c];
                    unique16.putIfAbsent(new Key(im.hash16()[c]), Boolean.TRUE);
                }
            }
            logical += data;
            logical16 += data16;
            System.out.printf("%-12s %9.1f %9s %9s %9s %9s %9s %9s%n", im.name(), data / 1048576.0, x(data, lz4),
                    x(data, lz4Ext.allocated), x(data, zstd), x(data, zstdExt.allocated), x(data, zfs4), x(data16, zfs16));
        }
        uniqueLz4Ext.close();
        System.out.printf("%nacross %d images: %.1f MiB of data in %d non-zero 4K blocks, %d unique%n", args.length,
                logical / 1048576.0, logical / B, unique.size());
        System.out.printf("dedup 4K                 %s%n", x(logical, uniqueRaw));
        System.out.printf("dedup 16K                %s%n", x(logical16, (double) unique16.size() * BIG));
        System.out.printf("dedup 4K + packed lz4    %s   (+tails %s)%n", x(logical, uniqueLz4), x(logical, uniqueLz4Ext.allocated));
        System.out.printf("dedup 4K + packed zstd   %s%n", x(logical, uniqueZstd));
    }

    /** A hash as a map key. */
    record Key(long a, long b, long c, long d) {
        Key(byte[] h) {
            this(ByteBuffer.wrap(h).getLong(0), ByteBuffer.wrap(h).getLong(8), ByteBuffer.wrap(h).getLong(16),
                    ByteBuffer.wrap(h).getLong(24));
        }
    }
}
