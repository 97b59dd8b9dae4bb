package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cistern.daemon.Daemon;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shareiscsi}: a volume exported as the next free LUN of the share target, live (the logged-in
 * initiator sees REPORTED LUNS DATA HAS CHANGED and the new LUN), kept across a restart at the same
 * number, and withdrawn again; a snapshot cannot be shared, nor a LUN of the configuration unshared.
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
            assertEquals(List.of(0L), c.reportLuns());
            daemon.shareiscsi("tank/c", true);
            daemon.shareiscsi("tank/b", true);
            c.clearUnitAttentions(); // REPORTED LUNS DATA HAS CHANGED, then GOOD
            assertEquals(List.of(0L, 1L, 2L), c.reportLuns());
            daemon.shareiscsi("tank/c", false);
            c.clearUnitAttentions();
            assertEquals(List.of(0L, 2L), c.reportLuns(), "tank/b keeps LUN 2 when tank/c leaves LUN 1");
            daemon.pool("tank").snapshot("a", "s");
            Daemon first = daemon;
            assertThrows(RuntimeException.class, () -> first.shareiscsi("tank/a@s", true));
            assertEquals("'tank/a' is LUN 0 of target t in the configuration; change it there",
                    assertThrows(IllegalStateException.class, () -> first.shareiscsi("tank/a", false)).getMessage());
            assertEquals(List.of(0L, 2L), c.reportLuns(), "a refusal changes nothing");
        } finally {
            daemon.close();
        }
        daemon = Daemon.start(config);
        try (RawIscsiClient c = new RawIscsiClient(new InetSocketAddress("127.0.0.1", port))) {
            c.login(RawIscsiClient.normalLoginKeys(IQN));
            c.clearUnitAttentions();
            assertEquals(List.of(0L, 2L), c.reportLuns(), "the export and its LUN number survive a restart");
            daemon.shareiscsi("tank/b", false);
            c.clearUnitAttentions();
            assertEquals(List.of(0L), c.reportLuns());
        } finally {
            daemon.close();
        }
    }
}
