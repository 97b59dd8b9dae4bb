package io.cistern.integration;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/** Builds real disk images to copy through a target: an ext4 file system made by {@code mke2fs -d}. */
public final class TestImages {
    private TestImages() {
    }

    /**
     * Writes an ext4 image of {@code sizeMiB} MiB at {@code image}, filled from a generated directory tree
     * of about {@code sizeMiB / 2} MiB: incompressible files, text, zero-filled and sparse files, nested
     * directories and a symlink. Same seed, same tree.
     */
    public static Path ext4(Path workDir, Path image, int sizeMiB, long seed) throws IOException, InterruptedException {
        Path tree = Files.createDirectories(workDir.resolve("tree"));
        Random random = new Random(seed);
        long budget = (long) sizeMiB << 19; // half the image
        long written = 0;
        byte[] chunk = new byte[1 << 16];
        for (int i = 0; written < budget && i < 10_000; i++) {
            Path dir = Files.createDirectories(tree.resolve("d" + (i % 7)).resolve("e" + (i % 3)));
            int kind = i % 4;
            long size = Math.min(budget - written, 1 + (long) random.nextInt(kind == 0 ? 8 << 20 : 256 << 10));
            Path file = dir.resolve("f" + i + (kind == 1 ? ".txt" : ".bin"));
            try (OutputStream out = Files.newOutputStream(file)) {
                long left = size;
                while (left > 0) {
                    int n = (int) Math.min(left, chunk.length);
                    switch (kind) {
                        case 0, 3 -> random.nextBytes(chunk);
                        case 1 -> fillText(chunk, n, i);
                        default -> java.util.Arrays.fill(chunk, (byte) 0);
                    }
                    out.write(chunk, 0, n);
                    left -= n;
                }
            }
            written += size;
        }
        // A sparse file with data at both ends, and a symlink.
        try (var f = new java.io.RandomAccessFile(tree.resolve("sparse.img").toFile(), "rw")) {
            f.setLength(32L << 20);
            f.write("start".getBytes(StandardCharsets.US_ASCII));
            f.seek((32L << 20) - 3);
            f.write("end".getBytes(StandardCharsets.US_ASCII));
        }
        Files.createSymbolicLink(tree.resolve("link"), Path.of("d0/e0"));
        Exec.run(Duration.ofMinutes(2), "mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096",
                "-d", tree.toString(), image.toString(), sizeMiB + "M").orThrow();
        long actual = Files.size(image);
        if (actual != (long) sizeMiB << 20) {
            throw new IllegalStateException("mke2fs made " + actual + " bytes, not " + sizeMiB + " MiB");
        }
        return image;
    }

    private static void fillText(byte[] chunk, int n, int fileNo) {
        byte[] line = ("file " + fileNo + ": the quick brown fox jumps over the lazy dog 0123456789\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int k = 0; k < n; k++) {
            chunk[k] = line[k % line.length];
        }
    }
}
