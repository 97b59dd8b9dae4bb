package io.cistern.target.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataOut;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data segments of 256 KiB arriving in socket-sized reads, as a 1 MiB write's Data-Outs do: once
 * the header has told the decoder how long the data is, the rest lands in one buffer with room for
 * all of it, not in buffers grown (and copied) step by step. That holds while the previous PDU's
 * data, a slice of the bytes received before, is still held, as the SCSI layer holds it until the
 * write completes.
 */
class LargeDataSegmentTest {

    private static final int SEGMENT = 256 * 1024;

    private final Wire wire = new Wire();

    @AfterEach
    void finish() {
        wire.finish();
    }

    @ParameterizedTest
    @ValueSource(ints = {65536, 65536 + 7, 16384})
    void theRestOfADataSegmentLandsInOneBuffer(int read) {
        wire.decoder.setMaxDataSegmentLength(SEGMENT);
        Random rnd = new Random(read);
        List<byte[]> sent = new ArrayList<>();
        ByteBuf stream = Unpooled.buffer();
        for (int k = 0; k < 3; k++) {
            byte[] data = new byte[SEGMENT];
            rnd.nextBytes(data);
            sent.add(data);
            stream.writeBytes(wire.encode(new DataOut(k == 2, 1, 7, 8, k, k, k * SEGMENT,
                    wire.alloc.buffer(SEGMENT).writeBytes(data))));
        }
        byte[] bytes = ByteBufUtil.getBytes(stream);
        stream.release();

        int pdu = Bhs.LENGTH + SEGMENT;
        List<Object> decoded = new ArrayList<>();
        ByteBuf room = null;
        for (int at = 0; at < bytes.length; at += read) {
            int k = decoded.size(); // the PDU under way
            wire.feed(bytes, at, Math.min(read, bytes.length - at));
            decoded.addAll(wire.readAll());
            if (decoded.size() > k) {
                assertArrayEquals(sent.get(k), ByteBufUtil.getBytes(((DataOut) decoded.get(k)).content()));
                room = null; // its data stays held, a slice of the bytes received
            } else if (at >= k * pdu + Bhs.LENGTH) { // its header came in an earlier read
                room = room == null ? wire.decoder.held() : room;
                assertSame(room, wire.decoder.held(), "PDU " + k + ": bytes moved at offset " + (at - k * pdu));
                assertTrue(room.capacity() >= SEGMENT, "room for " + room.capacity() + " bytes");
            }
        }
        assertEquals(3, decoded.size());
        decoded.forEach(ReferenceCountUtil::release);
    }
}
