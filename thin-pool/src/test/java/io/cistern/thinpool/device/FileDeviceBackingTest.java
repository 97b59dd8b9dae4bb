package io.cistern.thinpool.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileDevice#back}: allocates a sparse file's blocks, keeps the headroom, asks again after a punch. */
class FileDeviceBackingTest {
    private static final long MiB = 1L << 20;

    @Test
    void backsOnceUntilPunchedAndKeepsTheHeadroom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pool.img");
        try (FileDevice device = FileDevice.create(file, 64 * MiB, false)) {
            long free = Files.getFileStore(file).getUsableSpace();
            long before = allocated(file); // the last byte, written to make the file sparse
            assertFalse(device.back(MiB, MiB, () -> 0, free), "no room once the headroom is kept");
            assertEquals(before, allocated(file), "a refusal allocates nothing");

            assertTrue(device.back(MiB, MiB, () -> 0, 0));
            assertEquals(before + MiB, allocated(file));
            assertTrue(device.back(MiB, MiB, () -> 0, Long.MAX_VALUE), "backed already: the file system is not asked again");

            assertTrue(device.punchHole(MiB, 64 * 1024));
            assertTrue(device.back(MiB + 64 * 1024, MiB - 64 * 1024, () -> 0, Long.MAX_VALUE), "the rest stays backed");
            assertFalse(device.back(MiB, MiB, () -> 0, Long.MAX_VALUE), "a punched range must be backed again");
            assertTrue(device.back(MiB, MiB, () -> 0, 0));
        }
    }

    @Test
    void backsFreeSpaceAheadWhereThereIsRoomAndOnlyWhatIsNeededWhereNot(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pool.img");
        try (FileDevice device = FileDevice.create(file, 64 * MiB, false)) {
            long before = allocated(file);
            assertTrue(device.back(0, 4096, () -> 8 * MiB, 0));
            assertEquals(before + 4096 + MiB, allocated(file), "a megabyte ahead, no more");
            assertTrue(device.back(4096, MiB, () -> 0, Long.MAX_VALUE), "backed by the first call");

            long free = Files.getFileStore(file).getUsableSpace();
            assertTrue(device.back(8 * MiB, 4096, () -> 8 * MiB, free - 4096 - MiB / 2), "no room for the megabyte ahead");
            assertEquals(before + 2 * 4096 + MiB, allocated(file));
        }
    }

    @Test
    void aPreallocatedFileNeedsNoBacking(@TempDir Path dir) throws Exception {
        try (FileDevice device = FileDevice.create(dir.resolve("pool.img"), 8 * MiB, true)) {
            assertTrue(device.back(0, 8 * MiB, () -> 0, Long.MAX_VALUE));
        }
    }

    /** Bytes the file system holds for the file (st_blocks), which Java's attribute views do not tell. */
    private static long allocated(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] out = new String(p.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, p.waitFor());
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }
}
