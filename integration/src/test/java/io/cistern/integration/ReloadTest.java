package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload (SIGHUP) while a session does I/O: a LUN and a whole target on a new portal are added, a
 * broken file changes nothing, then both are removed again. The session of the untouched target goes
 * on throughout; it sees REPORTED LUNS DATA HAS CHANGED (06/3F/0E) after each change of its LUNs.
 */
class ReloadTest {
    private static final String ONE = "iqn.2026-11.io.cistern:one";
    private static final String TWO = "iqn.2026-11.io.cistern:two";

    @TempDir
    Path dir;
    private Path conf;
    private int reloads;

    @Test
    void sighupAppliesTheDifferenceWithoutDroppingSessions() throws Exception {
        int port = DaemonProcess.freePort();
        int port2 = DaemonProcess.freePort();
        conf = dir.resolve("cistern.conf");
        String base = """
                cistern {
                  data-dir = "%s"
                  api.listen = ["127.0.0.1:0"]
                  pools.tank { file = "tank.pool", size = 64M, volumes { a { size = 8M }, b { size = 8M }, c { size = 8M } } }
                  targets.one { iqn = "%s", portals = ["127.0.0.1:%d"], luns = [ { lun = 0, volume = "tank/a" } %%s ] }
                  %%s
                }
                """.formatted(dir.resolve("data"), ONE, port);
        Files.writeString(conf, base.formatted("", ""));
        byte[] data = new byte[64 * 1024];
        new Random(11).nextBytes(data);
        try (DaemonProcess daemon = DaemonProcess.start(DaemonProcess.DEFAULT_JVM, dir.resolve("daemon.log"), "run",
                "--config", conf.toString()).awaitListening(port);
             RawIscsiClient c = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port))) {
            c.login(RawIscsiClient.normalLoginKeys(ONE));
            c.clearUnitAttentions();
            assertEquals(0, c.write10(0, data).status());

            reload(daemon, base.formatted(", { lun = 1, volume = \"tank/b\" }", """
                    targets.two { iqn = "%s", portals = ["127.0.0.1:%d"], luns = [ { lun = 0, volume = "tank/c" } ] }
                    """.formatted(TWO, port2)));
            assertLunsChanged(c, daemon);
            assertReadsBack(c, data);
            assertEquals(2, c.reportLuns().size(), "LUN 1 added under the live session");
            daemon.awaitListening(port2);
            try (RawIscsiClient d = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port2))) {
                d.login(RawIscsiClient.normalLoginKeys(TWO));
                d.clearUnitAttentions();
                assertEquals(0, d.read10(0, 8).status());
            }

            Files.writeString(conf, "cistern { targets { broken ");
            reload(daemon, null);
            assertTrue(daemon.output().contains("reload failed"), daemon::tail);
            assertReadsBack(c, data); // no unit attention: nothing changed
            assertEquals(2, c.reportLuns().size());

            reload(daemon, base.formatted("", ""));
            assertLunsChanged(c, daemon);
            assertEquals(1, c.reportLuns().size(), "LUN 1 removed under the live session");
            assertReadsBack(c, data);
            assertThrows(IOException.class, () -> new Socket("127.0.0.1", port2).close(), "portal of target two closed");
            assertTrue(daemon.process().isAlive());
            assertEquals(0, daemon.terminate(Duration.ofSeconds(30)), daemon::tail);
        }
    }

    /** Writes {@code config} (null: keep the file as it is), sends SIGHUP and waits for the reload to end. */
    private void reload(DaemonProcess daemon, String config) throws Exception {
        if (config != null) {
            Files.writeString(conf, config);
        }
        reloads++;
        Exec.run(Duration.ofSeconds(10), "kill", "-HUP", Long.toString(daemon.process().pid())).orThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(daemon.output()) < reloads) {
            assertTrue(System.nanoTime() < deadline, () -> "reload " + reloads + " did not finish:\n" + daemon.tail());
            Thread.sleep(20);
        }
    }

    private static int count(String log) {
        int n = 0;
        for (String line : log.split("\n")) {
            if (line.contains("reload: ") || line.contains("reload failed")) {
                n++;
            }
        }
        return n;
    }

    private static void assertLunsChanged(RawIscsiClient c, DaemonProcess daemon) throws IOException {
        RawIscsiClient.ScsiResult r = c.read10(0, 8);
        assertEquals(2, r.status(), () -> "CHECK CONDITION expected; log:\n" + daemon.tail());
        assertEquals(6, r.senseKey());
        assertEquals(0x3f, r.asc(), "REPORTED LUNS DATA HAS CHANGED");
    }

    private static void assertReadsBack(RawIscsiClient c, byte[] data) throws IOException {
        RawIscsiClient.ScsiResult r = c.read10(0, data.length / RawIscsiClient.BLOCK);
        assertEquals(0, r.status());
        assertArrayEquals(data, r.data());
    }
}
