package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.backend.IoBuffers;
import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.LoginResponse;
import io.cistern.target.pdu.NopOut;
import io.cistern.target.pdu.Pdu;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input against a running target. Every case runs while a second session ({@link VerifiedIo})
 * writes and verifies data on the same target; after each case that session must still be verifying,
 * without a single error or reconnect.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HostileInputTest {
    private static final long LUN_BYTES = 64L << 20;
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(10);
    private static final int CHECK_CONDITION = 0x02;
    private static final int ABORTED_COMMAND = 0x0b;
    private static final int DATA_PHASE_ERROR_ASC = 0x4b;

    @TempDir
    static Path tmp;
    private static TargetUnderTest target;
    private VerifiedIo bystander;

    @BeforeAll
    static void startTarget() throws Exception {
        target = Targets.underTest().start(TargetSpec.of(tmp.resolve("lun.img"), LUN_BYTES));
        // The raw client addresses LUN 0; tgt's disk is LUN 1 and its outcomes differ: these cases are Cistern's.
        org.junit.jupiter.api.Assumptions.assumeTrue(target.lun() == 0, "the raw client addresses LUN 0 only");
    }

    @AfterAll
    static void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @BeforeEach
    void startBystander() throws Exception {
        bystander = new VerifiedIo(target.portal(), target.iqn());
        assertTrue(bystander.awaitMoreRounds(2, Duration.ofSeconds(20)), "bystander I/O did not get going");
    }

    @AfterEach
    void bystanderUnaffected() throws Exception {
        boolean alive = bystander.awaitMoreRounds(3, Duration.ofSeconds(20));
        Throwable failure = bystander.stop();
        bystander.close();
        if (failure != null) {
            throw new AssertionError("the bystander session failed during the hostile case", failure);
        }
        assertTrue(alive, "the bystander session stopped making progress after the hostile case");
    }

    private RawIscsiClient loggedIn() throws IOException {
        return loggedIn(Map.of());
    }

    private RawIscsiClient loggedIn(Map<String, String> overrides) throws IOException {
        RawIscsiClient c = new RawIscsiClient(target.portal());
        Map<String, String> keys = RawIscsiClient.normalLoginKeys(target.iqn());
        keys.putAll(overrides);
        Map<String, String> answers = c.login(keys);
        overrides.forEach((k, v) -> assertEquals(v, answers.get(k), "target's answer to " + k + ": " + answers));
        c.clearUnitAttentions();
        return c;
    }

    private static NopOut ping(RawIscsiClient c, int dataLength) {
        byte[] data = new byte[dataLength];
        ThreadLocalRandom.current().nextBytes(data);
        return new NopOut(true, 0, c.nextItt(), Bhs.RESERVED_TAG, c.cmdSn(), c.expStatSn(), Unpooled.wrappedBuffer(data));
    }

    /** Reads a Reject, checks its reason and that it echoes {@code header}, and releases it. */
    private static void assertReject(RawIscsiClient c, int reason, byte[] header) throws IOException {
        Pdu p = c.read();
        try {
            Reject r = assertInstanceOf(Reject.class, p, "expected a Reject, got " + RawIscsiClient.describe(p));
            assertEquals(reason, r.reason(), "Reject reason");
            assertEquals(Bhs.RESERVED_TAG, r.initiatorTaskTag(), "a Reject's ITT is 0xffffffff");
            assertArrayEquals(Arrays.copyOf(header, Bhs.LENGTH), ByteBufUtil.getBytes(r.content()),
                    "a Reject carries the rejected PDU's header");
        } finally {
            ReferenceCountUtil.release(p);
        }
    }

    private static void assertClosedSilently(RawIscsiClient c) throws IOException {
        assertEquals(List.of(), c.awaitClose(CLOSE_WITHIN), "the target must close without answering");
    }

    private static void assertStillWorks(RawIscsiClient c) throws IOException {
        c.ping();
        byte[] pattern = new byte[4 * RawIscsiClient.BLOCK];
        ThreadLocalRandom.current().nextBytes(pattern);
        assertEquals(0, c.write10(100, pattern).status(), "WRITE after the hostile PDU");
        RawIscsiClient.ScsiResult r = c.read10(100, 4);
        assertEquals(0, r.status(), "READ after the hostile PDU");
        assertArrayEquals(pattern, r.data(), "data read back after the hostile PDU");
    }

    // ---- truncated PDUs ----

    @Test
    void halfABhsThenEofBeforeLogin() throws Exception {
        try (RawIscsiClient c = new RawIscsiClient(target.portal())) {
            c.sendRaw(new byte[24]);
            c.shutdownOutput();
            assertClosedSilently(c);
        }
    }

    @Test
    void halfABhsThenEofInFullFeaturePhase() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            c.sendRaw(Arrays.copyOf(c.encode(ping(c, 0)), 24));
            c.shutdownOutput();
            assertClosedSilently(c);
        }
    }

    @Test
    void bhsAnnouncingDataThenEof() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            byte[] pdu = c.encode(ping(c, 4096));
            c.sendRaw(Arrays.copyOf(pdu, Bhs.LENGTH + 100));
            c.shutdownOutput();
            assertClosedSilently(c);
        }
    }

    // ---- bad PDUs in the full feature phase ----

    /** RFC 7143 §11.17.1: 0x05 Command not supported; the stream stays in step, so the session goes on. */
    @Test
    void unknownOpcodeIsRejectedAsNotSupported() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            byte[] bhs = c.encode(ping(c, 0));
            bhs[0] = (byte) (Bhs.IMMEDIATE | 0x1c); // 0x1c: no initiator opcode
            c.sendRaw(bhs);
            assertReject(c, Reject.COMMAND_NOT_SUPPORTED, bhs);
            assertStillWorks(c);
        }
    }

    /** A data segment above our MaxRecvDataSegmentLength: skipped as it streams, not buffered; Reject 0x04. */
    @Test
    void oversizedDataSegmentIsSkippedNotBuffered() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            int announced = Bhs.MAX_DATA_SEGMENT_LENGTH; // 16 MiB - 1, far above the 256 KiB we may send
            assertTrue(announced > c.targetMaxRecv());
            byte[] header = c.encode(ping(c, 0));
            header[Bhs.DATA_SEGMENT_LENGTH] = (byte) (announced >>> 16);
            header[Bhs.DATA_SEGMENT_LENGTH + 1] = (byte) (announced >>> 8);
            header[Bhs.DATA_SEGMENT_LENGTH + 2] = (byte) announced;
            long before = pooledBytesInUse();
            long peak = before;
            c.sendRaw(header);
            byte[] chunk = new byte[1 << 20];
            long left = announced + Bhs.padding(announced);
            for (int i = 0; i < 64 && left > 0; i++) {
                int n = (int) Math.min(chunk.length, left);
                c.sendRaw(Arrays.copyOf(chunk, n));
                left -= n;
                peak = Math.max(peak, pooledBytesInUse());
            }
            assertEquals(0, left, "the target stopped reading the stream");
            assertReject(c, Reject.PROTOCOL_ERROR, header);
            peak = Math.max(peak, pooledBytesInUse());
            assertTrue(peak - before < (8 << 20), "the target buffered the oversized segment: pooled memory grew by "
                    + (peak - before) + " bytes");
            assertStillWorks(c);
        }
    }

    private static long pooledBytesInUse() {
        var m = IoBuffers.ALLOCATOR.metric(); // bytes in live buffers, not the chunks that hold them
        return Stream.concat(m.directArenas().stream(), m.heapArenas().stream()).mapToLong(PoolArenaMetric::numActiveBytes).sum();
    }

    /** RFC 7143 §7.8: a header digest error leaves the framing unknown; the connection goes, unanswered. */
    @Test
    void wrongHeaderDigestClosesTheConnection() throws Exception {
        try (RawIscsiClient c = loggedIn(Map.of("HeaderDigest", "CRC32C"))) {
            c.ping(); // digests work both ways first
            byte[] pdu = c.encode(ping(c, 0));
            pdu[Bhs.LENGTH] ^= 0x5a;
            c.sendRaw(pdu);
            assertClosedSilently(c);
        }
    }

    /** RFC 7143 §7.8: a data digest error is answered with Reject 0x02; for a NOP-Out the session goes on. */
    @Test
    void wrongDataDigestOnNopOutIsRejected() throws Exception {
        try (RawIscsiClient c = loggedIn(Map.of("DataDigest", "CRC32C"))) {
            byte[] pdu = c.encode(ping(c, 64));
            pdu[pdu.length - 1] ^= 0x5a;
            c.sendRaw(pdu);
            assertReject(c, Reject.DATA_DIGEST_ERROR, pdu);
            assertStillWorks(c);
        }
    }

    /** Immediate data lost to a digest error: Reject 0x02, then (ERL 0, the command cannot finish) close. */
    @Test
    void wrongDataDigestOnImmediateDataRejectsThenCloses() throws Exception {
        try (RawIscsiClient c = loggedIn(Map.of("DataDigest", "CRC32C"))) {
            byte[] data = new byte[RawIscsiClient.BLOCK];
            byte[] pdu = c.encode(c.command(RawIscsiClient.cdb10(0x2a, 200, 1), false, true, true, data.length,
                    Unpooled.wrappedBuffer(data)));
            pdu[pdu.length - 1] ^= 0x5a;
            c.sendRaw(pdu);
            assertReject(c, Reject.DATA_DIGEST_ERROR, pdu);
            assertClosedSilently(c);
        }
    }

    // ---- login ----

    private void assertLoginRefused(int statusClass, int statusDetail, LoginScript script) throws Exception {
        try (RawIscsiClient c = new RawIscsiClient(target.portal())) {
            LoginResponse r = script.run(c);
            try {
                assertEquals(String.format("0x%02x%02x", statusClass, statusDetail),
                        String.format("0x%02x%02x", r.statusClass(), r.statusDetail()), "login status class/detail");
                assertTrue(!r.transit(), "a refused login does not transit");
            } finally {
                r.release();
            }
            assertClosedSilently(c);
        }
    }

    @FunctionalInterface
    private interface LoginScript {
        LoginResponse run(RawIscsiClient c) throws Exception;
    }

    private LoginScript firstRequest(String text) {
        return c -> c.loginStep(c.loginRequest(false, false, 1, 0, 0, text.getBytes(StandardCharsets.UTF_8)));
    }

    private String names() {
        return "InitiatorName=iqn.2026-11.io.cistern:hostile\0TargetName=" + target.iqn() + "\0";
    }

    @Test
    void loginTextWithoutEqualsSign() throws Exception {
        assertLoginRefused(2, 0x00, firstRequest(names() + "HeaderDigestNone\0"));
    }

    @Test
    void loginKeyLongerThan63Bytes() throws Exception {
        assertLoginRefused(2, 0x00, firstRequest(names() + "X-io.cistern." + "k".repeat(60) + "=1\0"));
    }

    @Test
    void loginDuplicateKey() throws Exception {
        assertLoginRefused(2, 0x00, firstRequest(names() + "HeaderDigest=None\0HeaderDigest=None\0"));
    }

    @Test
    void loginWithoutInitiatorName() throws Exception {
        assertLoginRefused(2, 0x07, firstRequest("TargetName=" + target.iqn() + "\0SessionType=Normal\0"));
    }

    @Test
    void loginToUnknownTarget() throws Exception {
        assertLoginRefused(2, 0x03, firstRequest("InitiatorName=iqn.2026-11.io.cistern:hostile\0"
                + "TargetName=iqn.2026-11.io.cistern:no-such-target\0"));
    }

    @Test
    void loginGoingBackFromOperationalToSecurityStage() throws Exception {
        assertLoginRefused(2, 0x0b, c -> {
            LoginResponse first = c.loginStep(c.loginRequest(false, false, 1, 0, 0,
                    names().getBytes(StandardCharsets.UTF_8)));
            int status = first.statusClass();
            first.release();
            assertEquals(0, status, "the first, valid request is accepted");
            return c.loginStep(c.loginRequest(false, false, 0, 0, 0, "AuthMethod=None\0".getBytes(
                    StandardCharsets.UTF_8)));
        });
    }

    @Test
    void loginWithTransitAndContinueBothSet() throws Exception {
        assertLoginRefused(2, 0x0b, c -> c.loginStep(c.loginRequest(true, true, 1, 3, 0,
                names().getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void loginWithVersionMinAboveZero() throws Exception {
        assertLoginRefused(2, 0x05, c -> c.loginStep(c.loginRequest(true, false, 1, 3, 1,
                names().getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void nonLoginPduBeforeLoginCloses() throws Exception {
        try (RawIscsiClient c = new RawIscsiClient(target.portal())) {
            c.send(ping(c, 0));
            assertClosedSilently(c);
        }
    }

    // ---- Data-Out ----

    /** RFC 7143 §4.2.3.3 lets late data for a task that is gone be dropped: no answer, session goes on. */
    @Test
    void dataOutForUnknownTaskIsDropped() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            c.send(new DataOut(true, 0, 0x7777_0000, Bhs.RESERVED_TAG, c.expStatSn(), 0, 0,
                    Unpooled.wrappedBuffer(new byte[RawIscsiClient.BLOCK])));
            assertStillWorks(c); // its ping fails if anything answered the Data-Out first
        }
    }

    @Test
    void dataOutWithWrongDataSnAbortsTheCommandOnly() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            assertDataPhaseError(c, 1, 7, 0);
            assertStillWorks(c);
        }
    }

    @Test
    void dataOutAtWrongOffsetAbortsTheCommandOnly() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            assertDataPhaseError(c, 2, 0, RawIscsiClient.BLOCK);
            assertStillWorks(c);
        }
    }

    /** A WRITE(10) without immediate data; its R2T is answered with one Data-Out at {@code dataSn}/{@code offset}. */
    private static void assertDataPhaseError(RawIscsiClient c, int blocks, int dataSn, int offset) throws Exception {
        int length = blocks * RawIscsiClient.BLOCK;
        ScsiCommandPdu cmd = c.command(RawIscsiClient.cdb10(0x2a, 300, blocks), false, true, true, length,
                Unpooled.EMPTY_BUFFER);
        c.send(cmd);
        Pdu p = c.read();
        R2t r2t = assertInstanceOf(R2t.class, p, "expected an R2T, got " + RawIscsiClient.describe(p));
        c.send(new DataOut(true, 0, cmd.initiatorTaskTag(), r2t.targetTransferTag(), c.expStatSn(), dataSn, offset,
                Unpooled.wrappedBuffer(new byte[RawIscsiClient.BLOCK])));
        RawIscsiClient.ScsiResult result = c.finish(cmd.initiatorTaskTag(), new byte[length], 0);
        assertEquals(CHECK_CONDITION, result.status(), "status of the command with bad Data-Out");
        assertEquals(ABORTED_COMMAND, result.senseKey(), "sense key");
        assertEquals(DATA_PHASE_ERROR_ASC, result.asc(), "ASC (DATA PHASE ERROR)");
    }

    // ---- floods ----

    /** RFC 7143 §3.2.2.1: commands outside [ExpCmdSN, MaxCmdSN] are silently ignored. */
    @Test
    void commandsBeyondMaxCmdSnAreIgnored() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            int beyond = c.loginMaxCmdSn() + 1;
            List<byte[]> flood = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                flood.add(c.encode(new ScsiCommandPdu(false, true, false, false, 1, 0, 0x4000_0000 + i, 0,
                        beyond + i, c.expStatSn(), new byte[6], OptionalInt.empty(), Unpooled.EMPTY_BUFFER)));
            }
            for (byte[] pdu : flood) {
                c.sendRaw(pdu);
            }
            assertStillWorks(c); // the ping, then a write and read with in-window CmdSNs, see nothing else
            c.ping();
        }
    }

    /** Connections that start a login and stall are closed by the login timeout (15 s by default). */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void halfLoginFloodIsTimedOut() throws Exception {
        int count = 200;
        List<RawIscsiClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                RawIscsiClient c = new RawIscsiClient(target.portal());
                clients.add(c);
                LoginResponse r = c.loginStep(c.loginRequest(false, false, 0, 0, 0,
                        (names() + "AuthMethod=None\0").getBytes(StandardCharsets.UTF_8)));
                int status = r.statusClass();
                r.release();
                assertEquals(0, status, "half-login " + i + " answered with an error");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            for (RawIscsiClient c : clients) {
                Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                assertEquals(List.of(), c.awaitClose(left), "a stalled login is closed without a response");
            }
        } finally {
            clients.forEach(RawIscsiClient::close);
        }
        try (RawIscsiClient c = loggedIn()) {
            assertStillWorks(c);
        }
    }

    /** An AHS on a NOP-Out (only SCSI Commands carry one): Reject 0x09, and the PDU is not also answered. */
    @Test
    void ahsOnNopOutIsRejectedAsInvalidField() throws Exception {
        try (RawIscsiClient c = loggedIn()) {
            byte[] header = c.encode(ping(c, 0));
            header[Bhs.TOTAL_AHS_LENGTH] = 1; // an AHS on a NOP-Out
            byte[] pdu = Arrays.copyOf(header, Bhs.LENGTH + 4);
            c.sendRaw(pdu);
            assertReject(c, Reject.INVALID_PDU_FIELD, header);
            c.ping(); // fails if the NOP-Out was answered as well
        }
    }
}
