package io.cistern.target.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.target.codec.MalformedPdu.Reason;
import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.NopOut;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input decodes to a {@link MalformedPdu} value; the stream goes on where framing allows. */
class MalformedInputTest {

    private final Wire wire = new Wire();

    @AfterEach
    void finish() {
        wire.finish();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void oversizedDataSegmentIsSkippedWithoutBeingBuffered(boolean dataDigest) {
        wire.digests(false, dataDigest);
        byte[] stream = concat(wire.encode(dataOut(100_001)), wire.encode(nopOut()));
        for (int i = 0; i < stream.length; i += 1000) {
            wire.feed(stream, i, Math.min(1000, stream.length - i));
            assertTrue(wire.decoder.bufferedBytes() < 1000, "buffered " + wire.decoder.bufferedBytes());
        }
        List<Object> decoded = wire.readAll();
        MalformedPdu error = assertMalformed(Reason.DATA_SEGMENT_TOO_LONG, true, decoded.get(0));
        assertArrayEquals(Arrays.copyOf(stream, Bhs.LENGTH), error.header());
        assertNopOut(decoded.get(1));
    }

    @Test
    void largerSegmentsAreAcceptedOnceNegotiated() {
        wire.decoder.setMaxDataSegmentLength(262_144);
        List<Object> decoded = wire.decode(wire.encode(dataOut(100_001)), 4096);
        assertEquals(100_001, ((DataOut) decoded.get(0)).content().readableBytes());
        decoded.forEach(ReferenceCountUtil::release);
    }

    @Test
    void unknownOpcodeIsSkippedAndRejectedAsNotSupported() {
        byte[] pdu = wire.encode(nopOut());
        pdu[0] = 0x1c; // vendor specific
        List<Object> decoded = wire.decode(concat(pdu, wire.encode(nopOut())), 7);
        MalformedPdu error = assertMalformed(Reason.UNKNOWN_OPCODE, true, decoded.get(0));
        assertNull(error.opcode());
        assertEquals(0x51, error.initiatorTaskTag());
        assertNopOut(decoded.get(1));
        Reject reject = error.toReject(1, 2, 3);
        assertEquals(Reject.COMMAND_NOT_SUPPORTED, reject.reason());
        assertArrayEquals(Arrays.copyOf(pdu, Bhs.LENGTH), ByteBufUtil.getBytes(reject.content()));
        assertTrue(reject.release());
    }

    @Test
    void dataSegmentOnPduWithoutOneIsSkipped() {
        byte[] r2t = wire.encode(new R2t(0, 1, 2, 3, 4, 5, 6, 7, 8));
        r2t[7] = 4;
        List<Object> decoded = wire.decode(concat(r2t, new byte[4], wire.encode(nopOut())), 1);
        assertMalformed(Reason.UNEXPECTED_DATA_SEGMENT, true, decoded.get(0));
        assertNopOut(decoded.get(1));
    }

    @Test
    void ahsOnPduOtherThanScsiCommandIsBad() {
        byte[] nop = wire.encode(nopOut());
        nop[Bhs.TOTAL_AHS_LENGTH] = 2;
        byte[] ahs = {0, 5, 2, 0, 0, 0, 0, 1};
        byte[] stream = concat(Arrays.copyOf(nop, Bhs.LENGTH), ahs, Arrays.copyOfRange(nop, Bhs.LENGTH, nop.length),
                wire.encode(nopOut()));
        List<Object> decoded = wire.decode(stream, 3);
        assertMalformed(Reason.BAD_AHS, true, decoded.get(0));
        assertNopOut(decoded.get(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {50 /* AHSType 3 */, 49 /* AHSLength 6 for a bidi length */})
    void unknownOrMisshapenAhsIsBad(int corruptedByte) {
        byte[] cmd = wire.encode(new ScsiCommandPdu(false, true, true, true, 1, 0, 9, 512, 1, 1, new byte[6],
                OptionalInt.of(512), Samples.data(wire.alloc, 0)));
        cmd[corruptedByte]++;
        List<Object> decoded = wire.decode(concat(cmd, wire.encode(nopOut())), cmd.length);
        assertMalformed(Reason.BAD_AHS, true, decoded.get(0));
        assertNopOut(decoded.get(1));
    }

    @Test
    void corruptedHeaderDigestBreaksTheStream() {
        wire.digests(true, true);
        byte[] nop = wire.encode(nopOut());
        nop[Bhs.CMD_SN + 3] ^= 1;
        byte[] stream = concat(nop, wire.encode(nopOut()));
        List<Object> decoded = wire.decode(stream, 5);
        assertEquals(1, decoded.size());
        MalformedPdu error = assertMalformed(Reason.HEADER_DIGEST_ERROR, false, decoded.get(0));
        assertArrayEquals(Arrays.copyOf(nop, Bhs.LENGTH), error.header());
        assertEquals(List.of(), wire.decode(wire.encode(nopOut()), 100), "nothing decodes after framing is lost");
        assertEquals(0, wire.decoder.bufferedBytes());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4 /* last data byte */, 5 /* padding */, 8 /* digest */})
    void corruptedDataDigestSkipsThePdu(int offsetInSegment) {
        wire.digests(true, true);
        byte[] nop = wire.encode(nopOut());
        nop[Bhs.LENGTH + Bhs.DIGEST_LENGTH + offsetInSegment] ^= 0x40;
        List<Object> decoded = wire.decode(concat(nop, wire.encode(nopOut())), 1);
        MalformedPdu error = assertMalformed(Reason.DATA_DIGEST_ERROR, true, decoded.get(0));
        assertNopOut(decoded.get(1));
        Reject reject = error.toReject(1, 2, 3);
        assertEquals(Reject.DATA_DIGEST_ERROR, reject.reason());
        assertTrue(reject.release());
    }

    @ParameterizedTest
    @ValueSource(ints = {20, 48, 60, 1000, 5060 /* in the next BHS */, 6000 /* skipping an oversized segment */})
    void truncatedPduAtCloseLeaksNothing(int length) {
        byte[] stream = concat(wire.encode(dataOut(5000)), wire.encode(dataOut(9000)));
        wire.feed(stream, 0, length);
        List<Object> decoded = wire.readAll();
        assertEquals(length < 5048 ? 0 : 1, decoded.size());
        decoded.forEach(ReferenceCountUtil::release);
        // finish() closes the channel and checks that every buffer was released.
    }

    private NopOut nopOut() {
        return new NopOut(true, 0, 0x51, Bhs.RESERVED_TAG, 1, 1, Samples.data(wire.alloc, 5));
    }

    private DataOut dataOut(int length) {
        return new DataOut(true, 0, 0x52, 0x53, 1, 0, 0, Samples.data(wire.alloc, length));
    }

    private static MalformedPdu assertMalformed(Reason reason, boolean continues, Object decoded) {
        MalformedPdu error = assertInstanceOf(MalformedPdu.class, decoded);
        assertEquals(reason, error.reason());
        assertEquals(continues, error.streamContinues());
        return error;
    }

    private static void assertNopOut(Object decoded) {
        NopOut nop = assertInstanceOf(NopOut.class, decoded);
        assertEquals(0x51, nop.initiatorTaskTag());
        assertEquals(5, nop.content().readableBytes());
        nop.release();
    }

    private static byte[] concat(byte[]... parts) {
        Wire.ByteArrayBuilder all = new Wire.ByteArrayBuilder();
        for (byte[] part : parts) {
            all.add(io.netty.buffer.Unpooled.wrappedBuffer(part));
        }
        return all.toArray();
    }
}
