package io.cistern.target.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBackendTest {

    @TempDir
    Path dir;

    private Path file(long bytes) throws Exception {
        Path path = dir.resolve("lun.img");
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return path;
    }

    @Test
    void writeReadFlushRoundTrip() throws Exception {
        Path path = file(1 << 20);
        try (FileBackend backend = FileBackend.open(path, 512)) {
            assertEquals(2048, backend.blockCount());
            assertFalse(backend.supportsUnmap());
            byte[] data = new byte[1024];
            Arrays.fill(data, (byte) 'x');
            ByteBuf out = Unpooled.directBuffer(1024).writeBytes(data);
            try {
                backend.write(10, out, true).get(5, TimeUnit.SECONDS);
            } finally {
                out.release();
            }
            backend.flush().get(5, TimeUnit.SECONDS);
            ByteBuf in = backend.read(10, 2).get(5, TimeUnit.SECONDS);
            try {
                assertArrayEquals(data, ByteBufUtil.getBytes(in));
            } finally {
                in.release();
            }
        }
        byte[] onDisk = Files.readAllBytes(path);
        assertEquals('x', onDisk[10 * 512]);
        assertEquals(0, onDisk[12 * 512]);
    }

    @Test
    void identityIsStableForThePath() throws Exception {
        Path path = file(4096);
        UUID first;
        try (FileBackend backend = FileBackend.open(path, 512)) {
            first = backend.uuid();
        }
        try (FileBackend backend = FileBackend.open(path, 512)) {
            assertEquals(first, backend.uuid());
        }
    }

    @Test
    void readOnlyRefusesWritesAndCapacityGrowthIsReported() throws Exception {
        Path path = file(4096);
        try (FileBackend backend = new FileBackend(path, 512, true, UUID.randomUUID(), 1)) {
            ByteBuf out = Unpooled.buffer(512).writeZero(512);
            try {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> backend.write(0, out, false).get(5, TimeUnit.SECONDS));
                assertEquals(LunFailure.Reason.WRITE_PROTECTED, ((LunFailure) e.getCause()).reason());
            } finally {
                out.release();
            }
            boolean[] changed = {false};
            backend.listen(new LunBackend.Listener() {
                @Override
                public void capacityChanged() {
                    changed[0] = true;
                }
            });
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                f.setLength(8192);
            }
            backend.refreshCapacity();
            assertTrue(changed[0]);
            assertEquals(16, backend.blockCount());
        }
    }
}
