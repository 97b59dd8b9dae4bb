package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cistern.thinpool.pool.PoolProperties;
import io.cistern.thinpool.pool.VolumeProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's experiment, the seeds' (000) with real OS installs, end to end: two Debian root file
 * systems built separately by {@code scripts/os-image.sh} are copied with {@code qemu-img convert}
 * over iSCSI into volumes with compression off, lz4 and zstd, into two {@code dedup=verify} volumes,
 * and into two volumes with both; every copy is compared byte for byte over iSCSI, and the pool's
 * figures are printed beside the ideal ones ({@link IdealRatios}, computed from the images alone) and
 * the seeds' ZFS figures, then checked against the targets.
 *
 * <p>The images (about 1.4 GiB each) are looked for in {@code $CISTERN_OS_IMAGES} (default
 * {@code /var/tmp/cistern-os}) as {@code a.img} and {@code b.img}; without them the test is skipped
 * with a message saying how to build them (they take minutes and a Debian mirror).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class OsImageExperimentTest {
    private static final Path IMAGES = Path.of(System.getenv().getOrDefault("CISTERN_OS_IMAGES", "/var/tmp/cistern-os"));
    private static final Duration COPY = Duration.ofMinutes(10);

    @TempDir
    Path tmp;

    @Test
    void compressionAndDedupOfTwoDebianInstallsThroughIscsi() throws Exception {
        Path a = IMAGES.resolve("a.img");
        Path b = IMAGES.resolve("b.img");
        assumeTrue(Files.isRegularFile(a) && Files.isRegularFile(b), "no OS images in " + IMAGES + ": build them with"
                + " scripts/os-image.sh " + IMAGES + "/a.img 1 and scripts/os-image.sh " + IMAGES + "/b.img 2");
        long size = roundUp(Math.max(Files.size(a), Files.size(b)), 1 << 20);
        String vol = "size = " + size + ", ";
        String pools = String.format(Locale.ROOT, """
                comp { file = "comp.pool", size = %d, volumes {
                  off { %s compression = off }, lz4 { %s compression = lz4 }, zstd { %s compression = zstd } } }
                dd { file = "dd.pool", size = %d, volumes {
                  a { %s compression = off, dedup = verify }, b { %s compression = off, dedup = verify } } }
                both { file = "both.pool", size = %d, volumes {
                  a { %s compression = lz4, dedup = verify }, b { %s compression = lz4, dedup = verify } } }
                """, 3 * size + (1L << 30), vol, vol, vol, 2 * size + (1L << 30), vol, vol, 2 * size + (1L << 30), vol, vol);
        List<String> volumes = List.of("comp/off", "comp/lz4", "comp/zstd", "dd/a", "dd/b", "both/a", "both/b");
        IdealRatios.Figures ideal = IdealRatios.of(List.of(a, b));
        IdealRatios.Image idealA = ideal.images().get(0);
        try (PoolTarget target = PoolTarget.start(tmp, pools, volumes)) {
            for (String v : volumes) {
                Path image = v.endsWith("/b") ? b : a;
                long started = System.nanoTime();
                Exec.Result copied = Exec.run(COPY, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", "-m", "8",
                        image.toString(), target.url(v).qemu());
                assertEquals(0, copied.exitCode(), copied::toString);
                double seconds = (System.nanoTime() - started) / 1e9;
                Exec.Result same = Exec.run(COPY, "qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(),
                        target.url(v).qemu());
                assertEquals(0, same.exitCode(), () -> v + " does not read back as " + image + ": " + same);
                System.out.printf(Locale.ROOT, "%s: %s copied in %.1f s, read back identical%n", v, image.getFileName(), seconds);
            }
            String report = report(target, ideal);
            System.out.print(report);
            Files.writeString(Path.of(System.getProperty("cistern.repo", ".")).resolve("integration/build/os-image-experiment.txt"), report);

            VolumeProperties off = properties(target, "comp/off");
            assertEquals(1.0, off.compressratio(), 0.0);
            assertEquals(idealA.data(), off.logicalused(), "logicalused counts the image's non-zero 4K blocks");
            double lz4 = properties(target, "comp/lz4").compressratio();
            double zstd = properties(target, "comp/zstd").compressratio();
            assertTrue(lz4 >= 1.85, "lz4 compressratio " + IdealRatios.x(lz4) + " < 1.85x");
            assertTrue(lz4 >= 0.99 * idealA.lz4() && zstd >= 0.99 * idealA.zstd(), "below the ideal: " + report);
            double dedup = logicalToAllocated(target, "dd");
            double together = logicalToAllocated(target, "both");
            assertTrue(dedup >= 1.9, "dedup of the two installs " + IdealRatios.x(dedup) + " < 1.9x");
            double dedupratio = target.pool("dd").properties().dedupRatio();
            assertEquals(dedup, dedupratio, 0.01, "the pool's DEDUP is what its allocation shows");
            assertTrue(together >= 3.4, "compression and dedup together " + IdealRatios.x(together) + " < 3.4x");
        }
    }

    /** What the pool's volumes hold logically over what it allocated on its device. */
    private static double logicalToAllocated(PoolTarget target, String pool) {
        return IdealRatios.ratio(logical(target, pool), target.pool(pool).properties().allocated());
    }

    /** The logicalused of the pool's volumes together. */
    private static long logical(PoolTarget target, String pool) {
        long logical = 0;
        for (String v : target.pool(pool).list()) {
            logical += target.pool(pool).properties(v).logicalused();
        }
        return logical;
    }

    private static String report(PoolTarget target, IdealRatios.Figures ideal) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-10s %11s %11s %13s %9s", "volume", "used", "logicalused", "compressratio", "ideal"));
        IdealRatios.Image a = ideal.images().get(0);
        for (String name : List.of("comp/off", "comp/lz4", "comp/zstd", "dd/a", "dd/b", "both/a", "both/b")) {
            VolumeProperties p = properties(target, name);
            String best = switch (name) {
                case "comp/lz4" -> IdealRatios.x(a.lz4());
                case "comp/zstd" -> IdealRatios.x(a.zstd());
                case "both/a" -> IdealRatios.x(a.lz4());
                case "both/b" -> IdealRatios.x(ideal.images().get(1).lz4());
                default -> "1.00x";
            };
            lines.add(String.format(Locale.ROOT, "%-10s %11d %11d %13s %9s", name, p.used(), p.logicalused(),
                    IdealRatios.x(p.compressratio()), best));
        }
        lines.add(String.format(Locale.ROOT, "%-6s %11s %11s %15s %9s %6s %s", "pool", "allocated", "logical", "logical/alloc",
                "ideal", "DEDUP", "seeds' ZFS (CentOS 6.3, 8K)"));
        for (String pool : List.of("comp", "dd", "both")) {
            PoolProperties p = target.pool(pool).properties();
            long logical = logical(target, pool);
            String best = switch (pool) {
                case "dd" -> IdealRatios.x(ideal.dedup4k());
                case "both" -> IdealRatios.x(ideal.dedupLz4Tails());
                default -> "-";
            };
            String seeds = switch (pool) {
                case "comp" -> "compressratio 1.76x";
                case "dd" -> "dedupratio 1.68x";
                default -> "-";
            };
            lines.add(String.format(Locale.ROOT, "%-6s %11d %11d %15s %9s %6s %s", pool, p.allocated(), logical,
                    IdealRatios.x(IdealRatios.ratio(logical, p.allocated())), best, IdealRatios.x(p.dedupRatio()), seeds));
            if (p.dedup().entries() > 0) {
                lines.add("       dedup table: " + p.dedup());
            }
        }
        return String.join("\n", lines) + "\n" + IdealRatios.table(ideal);
    }

    /** The properties of {@code pool/volume}. */
    private static VolumeProperties properties(PoolTarget target, String name) {
        int slash = name.indexOf('/');
        return target.pool(name.substring(0, slash)).properties(name.substring(slash + 1));
    }

    private static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }
}
