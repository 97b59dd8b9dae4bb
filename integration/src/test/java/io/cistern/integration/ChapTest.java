package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CHAP as QEMU and libiscsi speak it. One-way: {@code iscsi://USER%SECRET@HOST:PORT/IQN/LUN} or a QEMU
 * secret object. Mutual: libiscsi's {@code ?target_user=..&target_password=..} (QEMU has no mutual CHAP).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChapTest {
    private static final long LUN_BYTES = 64L << 20;
    private static final Chap ONE_WAY = Chap.oneWay("alice", "alice-secret-1");
    private static final Chap MUTUAL = Chap.mutual("bob", "bob-secret-123", "cistern", "target-secret-1");
    private static final String AUTH_FAILURE = "Authentication failure";

    @Test
    void qemuLogsInWithTheRightSecretOnly(@TempDir Path tmp) throws Exception {
        try (TargetUnderTest target = Targets.underTest()
                .start(TargetSpec.of(tmp.resolve("lun.img"), LUN_BYTES).withChap(ONE_WAY))) {
            IscsiUrl url = target.url();
            QemuTest.assertClean(Qemu.io(url.withChap(ONE_WAY), List.of("write -P 0x5c 0 64k", "read -P 0x5c 0 64k")));
            QemuTest.assertClean(Qemu.ioWithSecretObject(url.withChap(ONE_WAY), List.of("read -P 0x5c 0 64k")));
            assertTrue(Qemu.info(url.withChap(ONE_WAY)).ok());

            assertRefused(Qemu.info(url.withChap(Chap.oneWay("alice", "wrong-secret"))));
            assertRefused(Qemu.ioWithSecretObject(url.withChap(Chap.oneWay("alice", "wrong-secret")),
                    List.of("read 0 4k")));
            assertRefused(Qemu.info(url.withChap(Chap.oneWay("mallory", "alice-secret-1"))));
            assertRefused(Qemu.info(url));
        }
    }

    @Test
    void libiscsiMutualChapChecksTheTargetToo(@TempDir Path tmp) throws Exception {
        try (TargetUnderTest target = Targets.underTest()
                .start(TargetSpec.of(tmp.resolve("lun.img"), LUN_BYTES).withChap(MUTUAL))) {
            IscsiUrl url = target.url();
            Exec.Result ok = Libiscsi.inquiry(url.withChap(MUTUAL));
            assertTrue(ok.ok() && ok.output().contains("DIRECT_ACCESS"), ok.describe());

            Exec.Result badTarget = Libiscsi.inquiry(url.withChap(
                    Chap.mutual("bob", "bob-secret-123", "cistern", "not-the-target")));
            assertFalse(badTarget.ok(), "a target that does not know the mutual secret must be refused: "
                    + badTarget.describe());
            // libiscsi checks the target's CHAP_R itself and says so.
            assertTrue(badTarget.output().contains("CHAP_R"), badTarget.describe());
            Exec.Result badInitiator = Libiscsi.inquiry(url.withChap(
                    Chap.mutual("bob", "wrong-secret", "cistern", "target-secret-1")));
            assertFalse(badInitiator.ok(), badInitiator.describe());
            assertTrue(badInitiator.output().contains(AUTH_FAILURE), badInitiator.describe());
        }
    }

    private static void assertRefused(Exec.Result r) {
        assertFalse(r.ok(), "login must be refused: " + r.describe());
        assertTrue(r.output().contains(AUTH_FAILURE), r.describe());
    }
}
