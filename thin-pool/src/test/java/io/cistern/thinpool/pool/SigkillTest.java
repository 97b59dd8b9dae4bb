package io.cistern.thinpool.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is writing to a file pool with RocksDB metadata (SIGKILL, mid-stream) and
 * reopens the pool: every block acknowledged with FUA must read back, and the check must be clean.
 */
class SigkillTest {
    @TempDir
    Path dir;

    @Test
    void fuaWritesSurviveSigkill() throws Exception {
        Path file = dir.resolve("pool.img");
        Path meta = dir.resolve("meta");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KillTarget.class.getName(), file.toString(), meta.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int lastAcked = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            for (String line; lastAcked < 300 && (line = out.readLine()) != null; ) {
                lastAcked = Integer.parseInt(line.substring("acked ".length()));
            }
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        assertTrue(lastAcked >= 300, "child stopped early at " + lastAcked);
        try (Pool pool = Pool.openDevice(file, meta, PoolConfig.defaults())) {
            Volume v = pool.volume("v");
            for (int i = 0; i <= lastAcked; i += 3) {
                // write i went to block i (no wrap-around below 8192), and FUA writes are every third
                assertArrayEquals(content(i).array(), v.read((long) i * 4096, 4096).join().array(), "block " + i);
            }
            CheckReport check = pool.check();
        assertTrue(check.clean(), check.problems()::toString);
        }
    }

    /** Block content for write number {@code i}: its number, then a fixed pattern. */
    static ByteBuffer content(int i) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (b.hasRemaining()) {
            b.putInt(i * 31 + b.position());
        }
        return b.putInt(0, i).flip();
    }
}
