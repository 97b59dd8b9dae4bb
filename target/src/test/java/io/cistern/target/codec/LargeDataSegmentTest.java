package io.cistern.target.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.DataOut;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data segments of 256 KiB arriving in socket-sized reads, as a 1 MiB write's Data-Outs do: the
 * reads are kept as they are and the data is a slice of them, never copied, even while the
 * previous PDU's data, a slice of the bytes received before, is still held, as the SCSI layer
 * holds it until the write completes. Reads too short to keep trickle in at a bounded cost.
 */
class LargeDataSegmentTest {

    private static final int SEGMENT = 256 * 1024;
    private static final int PDUS = 3;

    private final Wire wire = new Wire();
    private final Random rnd = new Random(7);
    private final List<byte[]> sent = new ArrayList<>();

    @AfterEach
    void finish() {
        wire.finish();
    }

    @ParameterizedTest
    @ValueSource(ints = {65536, 65536 + 7, 16384, PduDecoder.MIN_KEPT_READ})
    void readsOfABlockOrMoreAreNeverCopied(int read) {
        byte[] bytes = stream(false);
        List<Object> decoded = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += read) {
            int n = Math.min(read, bytes.length - at);
            int before = wire.alloc.allocations();
            wire.feed(bytes, at, n); // one buffer allocated for the read
            decoded.addAll(wire.readAll());
            if (n >= PduDecoder.MIN_KEPT_READ) { // the stream's last read may be shorter, and copied
                assertEquals(before + 1, wire.alloc.allocations(), "the decoder allocated a buffer at offset " + at);
            }
        }
        check(decoded);
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 100, PduDecoder.MIN_KEPT_READ - 1})
    void aTrickleOfShortReadsIsHeldInFewBuffers(int read) {
        decodeHeld(false, at -> read);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void longAndShortReadsInTurn(boolean digests) {
        decodeHeld(digests, at -> at / 997 % 2 == 0 ? 20_000 : 1 + at % 300);
    }

    /** Feeds the stream in reads of {@code size.applyAsInt(at)} bytes, checking what is held after each. */
    private void decodeHeld(boolean digests, IntUnaryOperator size) {
        byte[] bytes = stream(digests);
        List<Object> decoded = new ArrayList<>();
        long allocated = 0;
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(size.applyAsInt(at), bytes.length - at);
            int before = wire.alloc.allocations();
            wire.feed(bytes, at, n);
            decoded.addAll(wire.readAll());
            allocated += wire.alloc.allocations() - before - 1;
            ByteBuf held = wire.decoder.held();
            if (held instanceof CompositeByteBuf composite) {
                assertTrue(composite.numComponents() <= PduDecoder.MAX_COMPONENTS, composite.numComponents() + " buffers held");
            }
            at += n;
        }
        // A copy moves everything held into a buffer with room for the rest of the segment (or,
        // before the header is whole, for what is held), so there are a few per PDU, not one per read.
        assertTrue(allocated <= PDUS * 20, allocated + " buffers allocated by the decoder");
        check(decoded);
    }

    private byte[] stream(boolean digests) {
        wire.digests(digests, digests);
        wire.decoder.setMaxDataSegmentLength(SEGMENT);
        ByteBuf stream = Unpooled.buffer();
        for (int k = 0; k < PDUS; k++) {
            byte[] data = new byte[SEGMENT];
            rnd.nextBytes(data);
            sent.add(data);
            stream.writeBytes(wire.encode(new DataOut(k == PDUS - 1, 1, 7, 8, k, k, k * SEGMENT,
                    wire.alloc.buffer(SEGMENT).writeBytes(data))));
        }
        byte[] bytes = ByteBufUtil.getBytes(stream);
        stream.release();
        return bytes;
    }

    /** The data decoded, each still intact while all are held; then released. */
    private void check(List<Object> decoded) {
        assertEquals(PDUS, decoded.size());
        for (int k = 0; k < PDUS; k++) {
            assertArrayEquals(sent.get(k), ByteBufUtil.getBytes(((DataOut) decoded.get(k)).content()), "PDU " + k);
        }
        decoded.forEach(ReferenceCountUtil::release);
    }
}
