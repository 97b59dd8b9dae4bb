package io.cistern.integration;

import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * The ideal compression and dedup figures of disk images (issue 4), computed per block straight from
 * the images with lz4-java, zstd-jni and the JDK's SHA-256, independently of the pool's code: what
 * the end-to-end run through iSCSI ({@link OsImageExperimentTest}) is compared against. Also a
 * command: {@code java -cp TEST_CLASSPATH io.cistern.integration.IdealRatios IMG...}.
 *
 * <p>All-zero blocks are holes (a thin pool stores nothing for them) and count nowhere. Per image:
 * <ul>
 * <li>packed lz4 / zstd: each 4 KiB block compressed alone, kept only if it saves at least 1/8,
 * fragments at their real size: logical / sum of stored sizes; "+tails" also charges each 64 KiB
 * packed extent's tail (fragments end to end in block order, extents rounded up to 4 KiB), which is
 * what the pool's packer allocates when blocks arrive in order;
 * <li>ZFS's way at 4K and 16K: one block size, a compressed block rounded up to 4 KiB sectors
 * (ashift=12), kept only if that saves 1/8.
 * </ul>
 * Across all images: dedup at 4 KiB and 16 KiB (logical / unique, by SHA-256), and dedup with packed
 * lz4 and zstd together (logical / stored sizes of the unique 4 KiB blocks).
 */
final class IdealRatios {
    static final int B = 4096;
    private static final int BIG = 16384;
    private static final int EXTENT = 65536;
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();
    private static final ThreadLocal<ZstdCompressCtx> ZSTD = ThreadLocal.withInitial(() -> new ZstdCompressCtx().setLevel(3));
    private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<ByteBuffer> OUT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(2 * BIG));

    /** One image's figures: its non-zero data and the ratios of each way of storing it. */
    record Image(String name, long data, double lz4, double lz4Tails, double zstd, double zstdTails, double zfs4k,
            double zfs16k) {
    }

    /** Every image's figures and those across all of them. */
    record Figures(List<Image> images, long logical, long uniqueBlocks, double dedup4k, double dedup16k,
            double dedupLz4, double dedupLz4Tails, double dedupZstd) {
    }

    /** Per-block results of one image: stored sizes (0 for a zero block) and hashes. */
    private record Blocks(String name, int[] lz4, int[] zstd, byte[][] hash, int[] zfs16, byte[][] hash16) {
    }

    private IdealRatios() {
    }

    static Figures of(List<Path> images) throws IOException {
        List<Image> out = new ArrayList<>();
        Set<ByteBuffer> unique = new HashSet<>();
        Set<ByteBuffer> unique16 = new HashSet<>();
        long logical = 0;
        long logical16 = 0;
        long uniqueLz4 = 0;
        long uniqueZstd = 0;
        Extents uniqueLz4Ext = new Extents();
        for (Path path : images) {
            Blocks im = analyze(path);
            long data = 0;
            long lz4 = 0;
            long zstd = 0;
            long zfs4 = 0;
            Extents lz4Ext = new Extents();
            Extents zstdExt = new Extents();
            for (int i = 0; i < im.hash().length; i++) {
                if (im.hash()[i] == null) {
                    continue;
                }
                data += B;
                int l = packed(im.lz4()[i], B);
                int z = packed(im.zstd()[i], B);
                lz4 += l;
                zstd += z;
                zfs4 += zfs(im.lz4()[i], B);
                lz4Ext.add(l);
                zstdExt.add(z);
                if (unique.add(ByteBuffer.wrap(im.hash()[i]))) {
                    uniqueLz4 += l;
                    uniqueZstd += z;
                    uniqueLz4Ext.add(l);
                }
            }
            long data16 = 0;
            long zfs16 = 0;
            for (int c = 0; c < im.hash16().length; c++) {
                if (im.hash16()[c] != null) {
                    data16 += BIG;
                    zfs16 += im.zfs16()[c];
                    unique16.add(ByteBuffer.wrap(im.hash16()[c]));
                }
            }
            logical += data;
            logical16 += data16;
            out.add(new Image(im.name(), data, ratio(data, lz4), ratio(data, lz4Ext.allocated()), ratio(data, zstd),
                    ratio(data, zstdExt.allocated()), ratio(data, zfs4), ratio(data16, zfs16)));
        }
        return new Figures(out, logical, unique.size(), ratio(logical, (long) unique.size() * B),
                ratio(logical16, (long) unique16.size() * BIG), ratio(logical, uniqueLz4),
                ratio(logical, uniqueLz4Ext.allocated()), ratio(logical, uniqueZstd));
    }

    static double ratio(long logical, long stored) {
        return stored == 0 ? 1.0 : (double) logical / stored;
    }

    private static Blocks analyze(Path path) throws IOException {
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
            return new Blocks(path.getFileName().toString(), lz4, zstd, hash, zfs16, hash16);
        }
    }

    private static boolean zero(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static int lz4(ByteBuffer src) {
        ByteBuffer out = OUT.get();
        return LZ4.compress(src, src.position(), src.remaining(), out, 0, out.capacity());
    }

    private static int zstd(ByteBuffer src) {
        ByteBuffer out = OUT.get();
        return ZSTD.get().compressDirectByteBuffer(out, 0, out.capacity(), src, src.position(), src.remaining());
    }

    private static byte[] sha(ByteBuffer src) {
        MessageDigest d = SHA.get();
        d.update(src.duplicate());
        return d.digest();
    }

    /** Stored bytes of a block packed at real size: the fragment if it saves 1/8, else the block. */
    private static int packed(int len, int block) {
        return len <= block - block / 8 ? len : block;
    }

    /** ZFS: rounded up to 4 KiB sectors, kept compressed only if that saves 1/8. */
    private static int zfs(int len, int block) {
        int rounded = (len + B - 1) / B * B;
        return rounded <= block - block / 8 ? rounded : block;
    }

    /** Allocation with 64 KiB packed extents: fragments end to end in block order, tails rounded up. */
    private static final class Extents {
        private long allocated;
        private int fill;

        void add(int stored) {
            if (stored == B) {
                allocated += B; // a raw block is its own 4 KiB extent
                return;
            }
            if (fill == 0 || fill > 0xFFFF || fill + stored > EXTENT) {
                close();
            }
            fill += stored;
        }

        private void close() {
            allocated += (fill + B - 1) / B * B;
            fill = 0;
        }

        long allocated() {
            close();
            return allocated;
        }
    }

    static String x(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }

    /** The figures as a table (what the command prints and the test logs). */
    static String table(Figures f) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-12s %9s %9s %9s %9s %10s %9s %10s%n",
                "image", "data MiB", "lz4", "lz4+tails", "zstd", "zstd+tails", "zfs4K lz4", "zfs16K lz4"));
        for (Image im : f.images()) {
            s.append(String.format(Locale.ROOT, "%-12s %9.1f %9s %9s %9s %10s %9s %10s%n", im.name(), im.data() / 1048576.0,
                    x(im.lz4()), x(im.lz4Tails()), x(im.zstd()), x(im.zstdTails()), x(im.zfs4k()), x(im.zfs16k())));
        }
        s.append(String.format(Locale.ROOT, "across %d images: %.1f MiB of data in %d non-zero 4K blocks, %d unique%n",
                f.images().size(), f.logical() / 1048576.0, f.logical() / B, f.uniqueBlocks()));
        s.append(String.format(Locale.ROOT, "dedup 4K %s, dedup 16K %s, dedup 4K + packed lz4 %s (+tails %s), + packed zstd %s%n",
                x(f.dedup4k()), x(f.dedup16k()), x(f.dedupLz4()), x(f.dedupLz4Tails()), x(f.dedupZstd())));
        return s.toString();
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: java -cp TEST_CLASSPATH io.cistern.integration.IdealRatios IMG...");
            System.exit(2);
        }
        System.out.print(table(of(List.of(args).stream().map(Path::of).toList())));
    }
}
