package io.cistern.target.session;

import io.cistern.target.testing.TrackingAllocator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.codec.PduDecoder;
import io.cistern.target.codec.PduEncoder;
import io.cistern.target.login.SessionParameters;
import io.cistern.target.login.SessionType;
import io.cistern.target.login.TargetLimits;
import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.DataPdu;
import io.cistern.target.pdu.Lun;
import io.cistern.target.pdu.NopOut;
import io.cistern.target.pdu.Pdu;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.cistern.target.scsi.ItNexus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.EmptyByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One full-feature-phase connection in an {@link EmbeddedChannel}: {@link PduDecoder} then
 * {@link FullFeatureHandler}, over a {@link FakeScsiTarget}. Tests write PDU objects (or raw bytes,
 * which go through the decoder) and read the PDUs the target sends.
 *
 * <p>Ownership: every buffer a test passes in comes from {@link #alloc}; every PDU read out is kept
 * and released once at {@link #close}, which then asserts no reference is left. Close
 * then finishes commands the test left running and asserts every tracked buffer was released.
 */
final class SessionHarness implements AutoCloseable {
    static final String TARGET = "iqn.2026-11.io.cistern:disk";
    static final String INITIATOR = "iqn.1994-05.com.redhat:host";
    static final long ISID = 0x23d000000001L;
    static final int FIRST_CMD_SN = 100;
    static final int FIRST_STAT_SN = 5000;
    static final long LUN0 = Lun.raw(0);
    static final byte[] READ_10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    static final byte[] WRITE_10 = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};

    /** Negotiated values and fabric settings; change before {@link #start}. */
    static final class Options {
        boolean discovery;
        boolean immediateData = true;
        boolean initialR2T = false;
        int firstBurstLength = 8192;
        int maxBurstLength = 16384;
        int maxOutstandingR2T = 1;
        int initiatorMaxRecvDataSegmentLength = 4096;
        int targetMaxRecvDataSegmentLength = 8192;
        int queueDepth = 4;
        int maxWriteLength = 1 << 20;
        Duration nopTimeout = Duration.ofSeconds(30);
        boolean headerDigest;
        boolean dataDigest;
    }

    final TrackingAllocator alloc = new TrackingAllocator();
    final FakeScsiTarget scsi = new FakeScsiTarget(alloc);
    final SessionRegistry sessions = new SessionRegistry();
    final TargetRegistry targets = new TargetRegistry();
    final Options options;
    final ItNexus nexus = new ItNexus(INITIATOR + ",i,0x" + Long.toHexString(ISID), INITIATOR, TARGET + ",t,0x0001", 1);
    final EmbeddedChannel channel;
    final Connection connection;
    final PduDecoder decoder = new PduDecoder();
    private final List<Pdu> received = new ArrayList<>();
    private int itt = 1;
    private int cmdSn = FIRST_CMD_SN;

    private SessionHarness(Options o) {
        this.options = o;
        TargetNode node = new TargetNode(TARGET, Optional.empty(), 1, List.of(), Set.of(), Optional.empty(), scsi);
        targets.add(node);
        SessionParameters p = parameters(o);
        IscsiSession session = new IscsiSession(1, p, o.discovery ? Optional.empty() : Optional.of(node),
                o.discovery ? Optional.empty() : Optional.of(nexus), "test", Instant.EPOCH);
        channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        connection = new Connection(channel, session, FIRST_CMD_SN, o.queueDepth, FIRST_STAT_SN);
        sessions.admit(connection);
        decoder.setHeaderDigest(o.headerDigest);
        decoder.setDataDigest(o.dataDigest);
        decoder.setMaxDataSegmentLength(o.targetMaxRecvDataSegmentLength);
        TargetLimits limits = new TargetLimits(List.of("None", "CRC32C"), List.of("None", "CRC32C"), 8192,
                o.maxBurstLength, Math.min(o.firstBurstLength, o.maxBurstLength), 1, 16, false, true, true, true, 2,
                20, 0);
        FabricSettings settings = new FabricSettings(limits, o.queueDepth, o.maxWriteLength, Duration.ofSeconds(5),
                o.nopTimeout, Duration.ofSeconds(5), Duration.ofSeconds(1), 1);
        channel.pipeline().addLast("decoder", decoder);
        channel.pipeline().addLast("full-feature", new FullFeatureHandler(connection, sessions, targets, settings));
    }

    static SessionHarness start() {
        return new SessionHarness(new Options());
    }

    static SessionHarness start(java.util.function.Consumer<Options> change) {
        Options o = new Options();
        change.accept(o);
        return new SessionHarness(o);
    }

    private static SessionParameters parameters(Options o) {
        return new SessionParameters(o.discovery ? SessionType.DISCOVERY : SessionType.NORMAL, INITIATOR,
                Optional.empty(), o.discovery ? Optional.empty() : Optional.of(TARGET), Optional.empty(),
                o.discovery ? 0 : 1, ISID, 1, 1, o.headerDigest, o.dataDigest, o.initiatorMaxRecvDataSegmentLength,
                o.targetMaxRecvDataSegmentLength, o.maxBurstLength, o.firstBurstLength, o.initialR2T,
                o.immediateData, o.maxOutstandingR2T, 1, true, true, 0, 2, 20);
    }

    // ---- what the initiator sends

    int nextItt() {
        return itt++;
    }

    /** The next CmdSN in sequence (a non-immediate command takes it). */
    int nextCmdSn() {
        return cmdSn++;
    }

    ByteBuf bytes(int length) {
        ByteBuf buf = alloc.buffer(length);
        for (int i = 0; i < length; i++) {
            buf.writeByte(i * 7 + 3);
        }
        return buf;
    }

    static byte[] pattern(int offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) ((offset + i) * 7 + 3);
        }
        return b;
    }

    /** A buffer whose bytes continue {@link #bytes}'s pattern from {@code offset}. */
    ByteBuf bytes(int offset, int length) {
        return alloc.buffer(length).writeBytes(pattern(offset, length));
    }

    ScsiCommandPdu read(int itt, int cmdSn, int edtl) {
        return new ScsiCommandPdu(false, true, true, false, 1, LUN0, itt, edtl, cmdSn, 0, READ_10,
                OptionalInt.empty(), alloc.buffer(0));
    }

    /** A WRITE whose F bit is {@code isFinal}, carrying {@code immediate} bytes of immediate data. */
    ScsiCommandPdu write(int itt, int cmdSn, int edtl, int immediate, boolean isFinal) {
        return new ScsiCommandPdu(false, isFinal, false, true, 1, LUN0, itt, edtl, cmdSn, 0, WRITE_10,
                OptionalInt.empty(), bytes(0, immediate));
    }

    DataOut dataOut(int itt, int ttt, int dataSn, int offset, int length, boolean isFinal) {
        return new DataOut(isFinal, LUN0, itt, ttt, 0, dataSn, offset, bytes(offset, length));
    }

    NopOut ping(int itt, int cmdSn, boolean immediate, int dataLength) {
        return new NopOut(immediate, LUN0, itt, Bhs.RESERVED_TAG, cmdSn, 0, bytes(dataLength));
    }

    /** Writes PDUs (or raw bytes) inbound and runs what the event loop has pending. */
    void send(Object... msgs) {
        for (Object msg : msgs) {
            channel.writeInbound(msg);
        }
        channel.runPendingTasks();
    }

    /** Encodes {@code pdu} (taking it) as the initiator would put it on the wire. */
    ByteBuf wire(Pdu pdu, boolean headerDigest, boolean dataDigest) {
        PduEncoder encoder = new PduEncoder();
        encoder.setHeaderDigest(headerDigest);
        encoder.setDataDigest(dataDigest);
        EmbeddedChannel out = new EmbeddedChannel(encoder);
        out.config().setAllocator(alloc);
        out.writeOutbound(pdu);
        ByteBuf all = alloc.buffer();
        for (ByteBuf b = out.readOutbound(); b != null; b = out.readOutbound()) {
            all.writeBytes(b);
            b.release();
        }
        assertFalse(out.finish());
        return all;
    }

    // ---- what the target sends

    /** The next PDU the target sent, which must be a {@code type}. */
    <T extends Pdu> T next(Class<T> type) {
        channel.runPendingTasks();
        Object msg = channel.readOutbound();
        assertNotNull(msg, () -> "the target sent nothing; expected a " + type.getSimpleName());
        if (msg instanceof Pdu p) {
            received.add(p);
        }
        return assertInstanceOf(type, msg, () -> "the target sent " + msg);
    }

    /** All PDUs sent so far. */
    List<Pdu> drain() {
        channel.runPendingTasks();
        List<Pdu> out = new ArrayList<>();
        for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
            received.add((Pdu) msg);
            out.add((Pdu) msg);
        }
        return out;
    }

    void assertNothingSent() {
        channel.runPendingTasks();
        Object msg = channel.readOutbound();
        if (msg instanceof Pdu p) {
            received.add(p);
        }
        assertNull(msg, () -> "the target unexpectedly sent " + msg);
    }

    static byte[] content(DataPdu pdu) {
        byte[] b = new byte[pdu.content().readableBytes()];
        pdu.content().getBytes(pdu.content().readerIndex(), b);
        return b;
    }

    /** Closes the connection and checks that nothing leaked and nothing was released twice. */
    @Override
    public void close() {
        channel.close();
        channel.runPendingTasks();
        // Commands the test left running in the core end now, as a backend would eventually.
        scsi.all.stream().filter(c -> !c.future.isDone()).forEach(FakeScsiTarget.Call::good);
        channel.runPendingTasks();
        drain();
        // Each PDU sent owns one reference: release it once (a buffer the target already released
        // throws here), then nothing may hold any (Data-In slices share their parent's count).
        for (Pdu pdu : received) {
            if (pdu instanceof DataPdu d) {
                assertTrue(d.refCnt() > 0, () -> "the target released a PDU it sent: " + pdu);
                d.release();
            }
        }
        for (Pdu pdu : received) {
            if (pdu instanceof DataPdu d && !(d.content() instanceof EmptyByteBuf)) { // shared, never freed
                assertEquals(0, d.refCnt(), () -> "a PDU the target sent holds an extra reference: " + pdu);
            }
        }
        assertFalse(channel.finishAndReleaseAll(), "messages were left in the channel");
        alloc.assertAllReleased();
    }
}
