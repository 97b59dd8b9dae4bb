package io.cistern.target.session;

import io.cistern.target.testing.TrackingAllocator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.codec.PduDecoder;
import io.cistern.target.codec.PduEncoder;
import io.cistern.target.login.TargetLimits;
import io.cistern.target.pdu.DataPdu;
import io.cistern.target.pdu.LoginRequest;
import io.cistern.target.pdu.Pdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.EmptyByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Connections in the real login pipeline (decoder, encoder, {@link LoginHandler}) sharing one
 * session registry and target, each talking bytes with an initiator-side encoder and decoder. Close
 * checks every buffer was released once.
 */
final class LoginHarness implements AutoCloseable {
    static final int QUEUE_DEPTH = 8;

    final TrackingAllocator alloc = new TrackingAllocator();
    final FakeScsiTarget scsi = new FakeScsiTarget(alloc);
    final SessionRegistry sessions = new SessionRegistry();
    final TargetRegistry targets = new TargetRegistry();
    final FabricSettings settings = new FabricSettings(TargetLimits.defaults(), QUEUE_DEPTH, 1 << 20,
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(1), 1);
    private final List<Link> links = new ArrayList<>();

    LoginHarness() {
        targets.add(new TargetNode(SessionHarness.TARGET, Optional.empty(), 1, List.of(), Set.of(), Optional.empty(),
                scsi));
    }

    Link connect() {
        Link link = new Link();
        links.add(link);
        return link;
    }

    /** One TCP connection: the target's pipeline and the initiator's codec. */
    final class Link {
        final EmbeddedChannel target = new EmbeddedChannel(new PduDecoder(), new PduEncoder(),
                new LoginHandler(targets, sessions, settings));
        private final PduEncoder initiatorEncoder = new PduEncoder();
        private final PduDecoder initiatorDecoder = new PduDecoder();
        private final EmbeddedChannel out = new EmbeddedChannel(initiatorEncoder);
        private final EmbeddedChannel in = new EmbeddedChannel(initiatorDecoder);
        private final List<Object> received = new ArrayList<>();

        Link() {
            target.config().setAllocator(alloc);
            out.config().setAllocator(alloc);
            in.config().setAllocator(alloc);
        }

        /** The initiator switches its digests (after the final Login Response). */
        void digests(boolean header, boolean data) {
            initiatorEncoder.setHeaderDigest(header);
            initiatorEncoder.setDataDigest(data);
            initiatorDecoder.setHeaderDigest(header);
            initiatorDecoder.setDataDigest(data);
        }

        /** The initiator's declared MaxRecvDataSegmentLength, which its decoder enforces. */
        void maxRecvDataSegmentLength(int length) {
            initiatorDecoder.setMaxDataSegmentLength(length);
        }

        void send(Pdu pdu) {
            out.writeOutbound(pdu);
            ByteBuf bytes = alloc.buffer();
            for (ByteBuf b = out.readOutbound(); b != null; b = out.readOutbound()) {
                bytes.writeBytes(b);
                b.release();
            }
            target.writeInbound(bytes);
            target.runPendingTasks();
        }

        /** What the target sent, decoded as the initiator would. */
        List<Object> receive() {
            target.runPendingTasks();
            for (ByteBuf b = target.readOutbound(); b != null; b = target.readOutbound()) {
                in.writeInbound(b);
            }
            List<Object> pdus = new ArrayList<>();
            for (Object m = in.readInbound(); m != null; m = in.readInbound()) {
                pdus.add(m);
            }
            received.addAll(pdus);
            return pdus;
        }

        <T> T receiveOne(Class<T> type) {
            List<Object> pdus = receive();
            assertEquals(1, pdus.size(), () -> "expected one " + type.getSimpleName() + ", got " + pdus);
            return assertInstanceOf(type, pdus.get(0));
        }

        LoginRequest login(int csg, int nsg, long isid, int tsih, int cmdSn, int expStatSn, String... keys) {
            StringBuilder text = new StringBuilder();
            for (String k : keys) {
                text.append(k).append('\0');
            }
            byte[] b = text.toString().getBytes(StandardCharsets.UTF_8);
            return new LoginRequest(true, false, csg, nsg, 0, 0, isid, tsih, 1, 1, cmdSn, expStatSn,
                    alloc.buffer(b.length).writeBytes(b));
        }

        private void close() {
            target.close();
            target.runPendingTasks();
            receive();
            for (Object m : received) {
                if (m instanceof DataPdu d) {
                    d.release();
                }
            }
            for (Object m : received) {
                if (m instanceof DataPdu d && !(d.content() instanceof EmptyByteBuf)) {
                    assertEquals(0, d.refCnt(), () -> "extra reference on " + m);
                }
            }
            assertFalse(target.finishAndReleaseAll(), "messages left in the target channel");
            assertFalse(out.finish());
            assertFalse(in.finish());
        }
    }

    static Map<String, String> keys(DataPdu pdu) {
        byte[] b = SessionHarness.content(pdu);
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : new String(b, StandardCharsets.UTF_8).split("\0")) {
            if (!kv.isEmpty()) {
                int eq = kv.indexOf('=');
                assertTrue(eq > 0, kv);
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }

    @Override
    public void close() {
        links.forEach(Link::close);
        alloc.assertAllReleased();
    }
}
