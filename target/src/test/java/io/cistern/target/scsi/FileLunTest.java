package io.cistern.target.scsi;

import static io.cistern.target.scsi.Harness.A;
import static io.cistern.target.scsi.Harness.BLOCK;
import static io.cistern.target.scsi.Harness.cdb;
import static io.cistern.target.scsi.Harness.filled;
import static io.cistern.target.scsi.Harness.rw10;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.target.backend.FileBackend;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance configuration in small: a file LUN behind the SCSI core. */
class FileLunTest {

    @TempDir
    Path dir;

    @Test
    void fullyProvisionedFileLun() throws Exception {
        Path path = dir.resolve("lun0.img");
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        try (FileBackend backend = FileBackend.open(path, BLOCK)) {
            Harness h = new Harness(backend);
            h.clearAttentions(A);
            h.run(rw10(0x2A, 100, 4), filled(4 * BLOCK, 'f')).good();
            h.run(rw10(0x35, 0, 0)).good();
            assertArrayEquals(filled(4 * BLOCK, 'f'), h.run(rw10(0x28, 100, 4)).good().data());
            assertEquals(2047, h.run(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).good().u32(0));
            assertEquals(0, h.run(cdb(0x12, 1, 0xB2, 0, 255, 0)).good().u8(5));            // no LBP
            assertEquals(0, h.run(cdb(0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0)).good().u8(14));
            h.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), BlockCommandsTest.unmapList(0, 1)).sense(0x05, 0x20, 0x00);
            Harness.Result status = h.run(cdb(0x9E, 0x12, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 24, 0, 0)).good();
            assertEquals(10, status.u64(8));
            assertEquals(2048 - 10, status.u32(16));
            assertEquals(0, status.u8(20));
        }
    }
}
