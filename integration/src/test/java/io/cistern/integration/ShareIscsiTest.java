package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.daemon.Daemon;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shareiscsi}: a volume exported as the next free LUN of the share target, live (the logged-in
 * initiator sees REPORTED LUNS DATA HAS CHANGED and the new LUN), kept across a restart at the same
 * number, and withdrawn again; a snapshot cannot be shared.
 */
class ShareIscsiTest {
    private static final String IQN = "iqn.2026-11.io.cistern:share";

    @TempDir
    Path dir;

    @Test
    void sharedVolumesBecomeLunsOfTheShareTargetAndStaySo() throws Exception {
        int port = DaemonProcess.freePort();
        Config config = ConfigFactory.parseString("""
                cistern {
                  data-dir = "%s"
                  share-target = t
                  api.listen = ["127.0.0.1:0"]
                  pools.tank { file = "tank.pool", size = 64M, volumes { a { size = 8M }, b { size = 8M }, c { size = 8M } } }
                  targets.t { iqn = "%s", portals = ["127.0.0.1:%d"], luns = [ { lun = 0, volume = "tank/a" } ] }
                }
                """.formatted(dir.resolve("data"), IQN, port)).withFallback(ConfigFactory.defaultReference()).resolve();
        Daemon daemon = Daemon.start(config);
        try (RawIscsiClient c = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port))) {
            c.login(RawIscsiClient.normalLoginKeys(IQN));
            c.clearUnitAttentions();
            assertEquals(List.of(0L), reportLuns(c));
            assertFalse(daemon.exported("tank/b"));
            daemon.shareiscsi("tank/c", true);
            daemon.shareiscsi("tank/b", true);
            assertTrue(daemon.exported("tank/b"));
            c.clearUnitAttentions(); // REPORTED LUNS DATA HAS CHANGED, then GOOD
            assertEquals(List.of(0L, 1L, 2L), reportLuns(c));
            daemon.shareiscsi("tank/c", false);
            c.clearUnitAttentions();
            assertEquals(List.of(0L, 2L), reportLuns(c), "tank/b keeps LUN 2 when tank/c leaves LUN 1");
            daemon.pool("tank").snapshot("a", "s");
            Daemon first = daemon;
            assertThrows(RuntimeException.class, () -> first.shareiscsi("tank/a@s", true));
        } finally {
            daemon.close();
        }
        daemon = Daemon.start(config);
        try (RawIscsiClient c = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port))) {
            c.login(RawIscsiClient.normalLoginKeys(IQN));
            c.clearUnitAttentions();
            assertEquals(List.of(0L, 2L), reportLuns(c), "the export and its LUN number survive a restart");
            daemon.shareiscsi("tank/b", false);
            c.clearUnitAttentions();
            assertEquals(List.of(0L), reportLuns(c));
        } finally {
            daemon.close();
        }
    }

    private static List<Long> reportLuns(RawIscsiClient c) throws IOException {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xa0;
        ByteBuffer.wrap(cdb, 6, 4).putInt(4096);
        ScsiCommandPdu cmd = c.command(cdb, true, false, true, 4096, Unpooled.EMPTY_BUFFER);
        c.send(cmd);
        RawIscsiClient.ScsiResult r = c.finish(cmd.initiatorTaskTag(), null, 4096);
        assertEquals(0, r.status());
        ByteBuffer b = ByteBuffer.wrap(r.data());
        int n = b.getInt() / 8;
        List<Long> luns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            luns.add((b.getLong(8 + 8 * i) >>> 48) & 0x3fff);
        }
        return luns;
    }
}
