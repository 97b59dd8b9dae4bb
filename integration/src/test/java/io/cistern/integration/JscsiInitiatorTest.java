package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jscsi.initiator.Configuration;
import org.jscsi.initiator.Initiator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jSCSI initiator (org.jscsi:initiator:2.2) in this JVM: login, READ CAPACITY (which jSCSI sends
 * as it creates a session), a write and its read-back, and logout.
 *
 * <p>jSCSI has no discovery (SendTargets) API: its initiator only logs in to targets named in its
 * configuration, so discovery is not exercised here.
 *
 * <p>jSCSI is configured by an XML file validated against the jscsi.xsd bundled in its jar: a
 * {@code <global>} block of operational keys and one {@code <target id=.. address=.. port=..>} per
 * target, whose id names the session in the API. This test writes such a file for the target under test.
 * AuthMethod is left out on purpose: jSCSI skips the security stage and would send it in the
 * operational stage, where RFC 7143 §6.3 does not allow security keys (Cistern, like LIO, refuses).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JscsiInitiatorTest {
    private static final long LUN_BYTES = 64L << 20;
    private static final String SESSION = "cistern-under-test";

    /**
     * jSCSI 2.2 has no unit attention handling: its first READ CAPACITY after the target started
     * meets POWER ON, RESET and the session fails (see {@link #createSession}). It reads sequence
     * numbers signed, which Cistern's first StatSN (below 2^31) allows. It addresses LUN 0 only, so
     * it does not run against tgt, whose disk is LUN 1.
     */
    @Test
    void writesAndReadsBackAPattern(@TempDir Path tmp) throws Exception {
        try (TargetUnderTest target = Targets.underTest().start(TargetSpec.of(tmp.resolve("lun.img"), LUN_BYTES))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(target.lun() == 0, "jSCSI addresses LUN 0 only");
            Initiator initiator = new Initiator(configuration(tmp, target));
            createSession(initiator);
            try {
                assertEquals(512, initiator.getBlockSize(SESSION), "block size from READ CAPACITY");
                // jSCSI reports READ CAPACITY's RETURNED LOGICAL BLOCK ADDRESS: the last block, not a count.
                assertEquals(LUN_BYTES / 512 - 1, initiator.getCapacity(SESSION), "last LBA from READ CAPACITY");

                byte[] pattern = new byte[256 * 1024]; // above jSCSI's 64 KiB first burst: R2Ts too
                new Random(7).nextBytes(pattern);
                int lba = 2048;
                initiator.write(SESSION, ByteBuffer.wrap(pattern), lba, pattern.length);
                ByteBuffer back = ByteBuffer.allocate(pattern.length);
                initiator.read(SESSION, back, lba, pattern.length);
                assertArrayEquals(pattern, back.array(), "data read back through jSCSI");
            } finally {
                initiator.closeSession(SESSION);
            }
        }
    }

    /** Each initiator is told of power on once: its first session sees the attention, a later one does not. */
    @Test
    void powerOnIsReportedOncePerInitiator(@TempDir Path tmp) throws Exception {
        try (TargetUnderTest target = Targets.underTest().start(TargetSpec.of(tmp.resolve("lun.img"), LUN_BYTES))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(target.lun() == 0, "the raw client addresses LUN 0 only");
            assertEquals(0x29, readCapacity(target).asc(), "first session: POWER ON, RESET, OR BUS DEVICE RESET");
            assertEquals(0x00, readCapacity(target).status(), "second session of the same initiator: GOOD");
        }
    }

    private static RawIscsiClient.ScsiResult readCapacity(TargetUnderTest target) throws Exception {
        try (RawIscsiClient c = new RawIscsiClient(target.portal())) {
            c.login(RawIscsiClient.normalLoginKeys(target.iqn()));
            var command = c.command(new byte[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}, true, false, true, 8,
                    io.netty.buffer.Unpooled.EMPTY_BUFFER);
            c.send(command);
            return c.finish(command.initiatorTaskTag(), null, 8);
        }
    }

    /**
     * Creates the session, a second time if the first fails: jSCSI's {@code createSession} sends
     * READ CAPACITY first and gives up (a NullPointerException on the session it could not make) on
     * the POWER ON unit attention every initiator meets once after the target starts. Its second
     * session, from the same initiator, must work.
     */
    private static void createSession(Initiator initiator) throws Exception {
        try {
            initiator.createSession(SESSION);
        } catch (RuntimeException firstContact) {
            initiator.createSession(SESSION);
        }
    }

    /** jscsi.xml for {@code target}, next to a copy of the schema jSCSI validates it against. */
    private static Configuration configuration(Path dir, TargetUnderTest target) throws Exception {
        Path xsd = dir.resolve("jscsi.xsd");
        try (InputStream in = Configuration.class.getResourceAsStream("/jscsi.xsd")) {
            Files.copy(in, xsd, StandardCopyOption.REPLACE_EXISTING);
        }
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <configuration xmlns="http://www.jscsi.org/2006-09"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.jscsi.org/2006-09 jscsi.xsd">
                  <global>
                    <DataDigest>None</DataDigest>
                    <DataPDUInOrder>Yes</DataPDUInOrder>
                    <DataSequenceInOrder>Yes</DataSequenceInOrder>
                    <DefaultTime2Retain>20</DefaultTime2Retain>
                    <DefaultTime2Wait>2</DefaultTime2Wait>
                    <ErrorRecoveryLevel>0</ErrorRecoveryLevel>
                    <FirstBurstLength>65536</FirstBurstLength>
                    <HeaderDigest>None</HeaderDigest>
                    <IFMarker>No</IFMarker>
                    <IFMarkInt>2048</IFMarkInt>
                    <ImmediateData>Yes</ImmediateData>
                    <InitialR2T>Yes</InitialR2T>
                    <InitiatorAlias>jscsi</InitiatorAlias>
                    <InitiatorName>iqn.2026-11.io.cistern:jscsi</InitiatorName>
                    <MaxBurstLength>262144</MaxBurstLength>
                    <MaxConnections>1</MaxConnections>
                    <MaxOutstandingR2T>1</MaxOutstandingR2T>
                    <MaxRecvDataSegmentLength>8192</MaxRecvDataSegmentLength>
                    <OFMarker>No</OFMarker>
                    <OFMarkInt>2048</OFMarkInt>
                    <SessionType>Normal</SessionType>
                  </global>
                  <target id="%s" address="%s" port="%d">
                    <TargetName>%s</TargetName>
                  </target>
                </configuration>
                """.formatted(SESSION, target.portal().getHostString(), target.portal().getPort(), target.iqn());
        Path file = dir.resolve("jscsi.xml");
        Files.writeString(file, xml);
        return Configuration.create(xsd.toFile(), file.toFile());
    }
}
