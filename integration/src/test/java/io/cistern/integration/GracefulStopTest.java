package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.AsyncMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's clean stop: SIGTERM while an initiator is logged in. The appliance tells systemd it is
 * stopping, asks the initiator to log out (Async Message, AsyncEvent 1), flushes writes that were only
 * in the write-back cache, closes its pool and exits 0; the next start serves every acknowledged write.
 * The commit interval is an hour, so only the stop itself can have made those writes durable.
 * Readiness goes through a real {@code $NOTIFY_SOCKET} (socat receiving the datagrams).
 */
class GracefulStopTest {
    private static final String IQN = "iqn.2026-11.io.cistern:stop";

    @TempDir
    Path dir;

    @Test
    void sigtermFlushesTellsInitiatorsAndRestartsClean() throws Exception {
        int port = DaemonProcess.freePort();
        Path conf = dir.resolve("cistern.conf");
        Files.writeString(conf, """
                cistern {
                  data-dir = "%s"
                  api.listen = ["127.0.0.1:0"]
                  iscsi.logout-grace = 2s
                  targets.stop { iqn = "%s", portals = ["127.0.0.1:%d"], luns = [ { lun = 0, volume = "tank/v" } ] }
                  pools.tank {
                    file = "tank.pool"
                    size = 64M
                    commit-interval = 1h
                    volumes { v { size = 16M } }
                  }
                }
                """.formatted(dir.resolve("data"), IQN, port));
        Path socket = dir.resolve("notify.sock");
        Path notes = dir.resolve("notify.log");
        Process socat = new ProcessBuilder("socat", "-u", "UNIX-RECV:" + socket, "CREATE:" + notes)
                .redirectErrorStream(true).start();
        byte[] data = new byte[256 * 1024];
        new Random(7).nextBytes(data);
        try (DaemonProcess daemon = DaemonProcess.start(Map.of("NOTIFY_SOCKET", socket.toString()),
                DaemonProcess.DEFAULT_JVM, dir.resolve("daemon.log"), "run", "--config", conf.toString())) {
            awaitFile(socket);
            awaitContent(notes, "READY=1", daemon);
            try (RawIscsiClient c = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port))) {
                c.login(RawIscsiClient.normalLoginKeys(IQN));
                c.clearUnitAttentions();
                assertEquals(0, c.write10(8, data).status()); // no FUA, no SYNCHRONIZE CACHE
                daemon.process().destroy(); // SIGTERM
                Object first = c.readAny(Duration.ofSeconds(10));
                assertTrue(first instanceof AsyncMessage a && a.asyncEvent() == AsyncMessage.LOGOUT_REQUESTED,
                        () -> "expected a logout request, got " + RawIscsiClient.describe(first));
                c.awaitClose(Duration.ofSeconds(15));
            }
            assertTrue(daemon.process().waitFor(30, TimeUnit.SECONDS), daemon::tail);
            assertEquals(0, daemon.process().exitValue(), daemon::tail);
            awaitContent(notes, "STOPPING=1", daemon);
        } finally {
            socat.destroyForcibly();
        }
        try (DaemonProcess again = DaemonProcess.start(DaemonProcess.DEFAULT_JVM, dir.resolve("daemon2.log"), "run",
                "--config", conf.toString()).awaitListening(port);
             RawIscsiClient c = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port))) {
            c.login(RawIscsiClient.normalLoginKeys(IQN));
            c.clearUnitAttentions();
            RawIscsiClient.ScsiResult read = c.read10(8, data.length / RawIscsiClient.BLOCK);
            assertEquals(0, read.status());
            assertArrayEquals(data, read.data(), "a write acknowledged before SIGTERM was lost by the clean stop");
            again.terminate(Duration.ofSeconds(30));
        }
    }

    private static void awaitFile(Path path) throws InterruptedException {
        for (int i = 0; i < 500 && !Files.exists(path); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(path), "socat did not create " + path + " (is socat installed?)");
    }

    private static void awaitContent(Path notes, String expected, DaemonProcess daemon) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(notes) && Files.readString(notes, StandardCharsets.UTF_8).contains(expected)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + expected + " on $NOTIFY_SOCKET; notifications: "
                + (Files.exists(notes) ? List.of(Files.readString(notes)) : "none") + "\nlog:\n" + daemon.tail());
    }
}
