package io.cistern.target.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.target.pdu.Pdu;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every PDU kind, encoded then decoded, equals the original however the bytes arrive, with each
 * combination of digests. Teardown checks that every buffer was released.
 */
class PduRoundTripTest {

    enum Digests {
        NONE(false, false), HEADER(true, false), DATA(false, true), BOTH(true, true);

        final boolean header;
        final boolean data;

        Digests(boolean header, boolean data) {
            this.header = header;
            this.data = data;
        }
    }

    private final Wire wire = new Wire();
    private final List<Pdu> expected = Samples.all(wire.alloc);

    @AfterEach
    void finish() {
        expected.forEach(ReferenceCountUtil::release);
        wire.finish();
    }

    @ParameterizedTest
    @EnumSource(Digests.class)
    void eachKindWhole(Digests digests) {
        wire.digests(digests.header, digests.data);
        List<Pdu> sent = Samples.all(wire.alloc);
        for (int k = 0; k < sent.size(); k++) {
            assertDecoded(List.of(expected.get(k)), wire.decode(wire.encode(sent.get(k)), Integer.MAX_VALUE));
        }
    }

    @ParameterizedTest
    @EnumSource(Digests.class)
    void eachKindSplitAtEveryByteBoundary(Digests digests) {
        wire.digests(digests.header, digests.data);
        List<Pdu> sent = Samples.all(wire.alloc);
        for (int k = 0; k < sent.size(); k++) {
            byte[] bytes = wire.encode(sent.get(k));
            for (int split = 1; split < bytes.length; split++) {
                wire.feed(bytes, 0, split);
                wire.feed(bytes, split, bytes.length - split);
                assertDecoded(List.of(expected.get(k)), wire.readAll());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Digests.class)
    void allKindsBackToBackOneByteAtATime(Digests digests) {
        wire.digests(digests.header, digests.data);
        assertDecoded(expected, wire.decode(wire.encode(Samples.all(wire.alloc)), 1));
    }

    @ParameterizedTest
    @EnumSource(Digests.class)
    void allKindsBackToBackInOneBufferAndInOddChunks(Digests digests) {
        wire.digests(digests.header, digests.data);
        byte[] stream = wire.encode(Samples.all(wire.alloc));
        assertDecoded(expected, wire.decode(stream, stream.length));
        assertDecoded(expected, wire.decode(stream, 37));
    }

    private static void assertDecoded(List<Pdu> expected, List<Object> decoded) {
        assertEquals(expected, decoded);
        decoded.forEach(ReferenceCountUtil::release);
    }
}
