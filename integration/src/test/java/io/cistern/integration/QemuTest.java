package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QEMU as the initiator: a real file-system image copied in and out, and patterns at random offsets. */
class QemuTest {
    private static final int IMAGE_MIB = 256;
    private static final long LUN_BYTES = 512L << 20;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void ext4ImageSurvivesTheRoundTrip(@TempDir Path tmp) throws Exception {
        TargetFactory factory = Targets.underTest();
        Path image = TestImages.ext4(tmp, tmp.resolve("source.img"), IMAGE_MIB, 20261121L);
        Path back = tmp.resolve("back.img");
        try (TargetUnderTest target = factory.start(TargetSpec.of(tmp.resolve("lun.img"), LUN_BYTES))) {
            Qemu.convertInto(image, target.url()).orThrow();
            Qemu.convertOut(target.url(), Files.size(image), back).orThrow();
        }
        assertEquals(Files.size(image), Files.size(back));
        assertEquals(-1L, Files.mismatch(image, back), "first differing byte of the copy that came back");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void patternsAtRandomOffsets(@TempDir Path tmp) throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("QemuTest.patternsAtRandomOffsets seed=" + seed + " (rerun with -Dseed=" + seed + ")");
        Random random = new Random(seed);
        int slots = 32;
        long slot = LUN_BYTES / slots;
        List<String> writes = new ArrayList<>();
        List<String> reads = new ArrayList<>();
        List<String> wrongReads = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            long len = 512L * (1 + random.nextInt(2048));            // 512 B .. 1 MiB
            long off = i * slot + 512L * random.nextInt((int) ((slot - len) / 512));
            int pattern = 1 + random.nextInt(254);
            // Every other write with FUA; reads come in a later session, after a fresh login.
            writes.add("write " + (i % 2 == 0 ? "-f " : "") + "-P 0x" + Integer.toHexString(pattern) + " " + off + " " + len);
            reads.add("read -P 0x" + Integer.toHexString(pattern) + " " + off + " " + len);
            wrongReads.add("read -P 0x" + Integer.toHexString(pattern ^ 0x5a) + " " + off + " " + len);
        }
        try (TargetUnderTest target = Targets.underTest().start(TargetSpec.of(tmp.resolve("lun.img"), LUN_BYTES))) {
            IscsiUrl url = target.url();
            assertClean(Qemu.io(url, List.of("read -P 0 0 1M", "read -P 0 " + (LUN_BYTES - (1 << 20)) + " 1M")));
            assertClean(Qemu.io(url, writes));
            assertClean(Qemu.io(url, reads));
            // The verification is real: a different pattern at the same place must be reported.
            Exec.Result wrong = Qemu.io(url, List.of(wrongReads.get(random.nextInt(slots))));
            assertTrue(wrong.output().contains("Pattern verification failed"), wrong.describe());
        }
    }

    /** qemu-io exits 0 and reports no failed pattern and no error. */
    static void assertClean(Exec.Result r) {
        assertEquals(0, r.exitCode(), r.describe());
        assertFalse(r.output().contains("Pattern verification failed"), r.describe());
        assertFalse(r.output().toLowerCase().contains("error"), r.describe());
    }
}
