package io.cistern.target.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataIn;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.LoginRequest;
import io.cistern.target.pdu.LoginResponse;
import io.cistern.target.pdu.LogoutResponse;
import io.cistern.target.pdu.Lun;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.NopOut;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.cistern.target.pdu.TaskManagementRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bytes on the wire at the offsets of RFC 7143 §11's diagrams, written here as literals so that a
 * wrong constant cannot hide behind a symmetric round trip; zero copy; digest switch points.
 */
class PduEncoderTest {

    private final Wire wire = new Wire();

    @AfterEach
    void finish() {
        wire.finish();
    }

    @Test
    void scsiCommand() {
        ByteBuffer b = bytes(new ScsiCommandPdu(true, true, true, false, 1, Lun.raw(2), 0x0a0b0c0d, 4096, 0x11, 0x22,
                new byte[] {0x28, 0, 0, 0, 0, 9}, OptionalInt.empty(), Unpooled.EMPTY_BUFFER));
        assertEquals(48, b.limit());
        assertEquals(0x41, b.get(0));
        assertEquals((byte) 0xc1, b.get(1));
        assertEquals(0, b.getInt(4));
        assertEquals(0x0002_0000_0000_0000L, b.getLong(8));
        assertEquals(0x0a0b0c0d, b.getInt(16));
        assertEquals(4096, b.getInt(20));
        assertEquals(0x11, b.getInt(24));
        assertEquals(0x22, b.getInt(28));
        assertEquals(0x28, b.get(32));
        assertEquals(9, b.get(37));
    }

    @Test
    void extendedCdbTravelsInTypeOneAhs() {
        byte[] cdb = new byte[20];
        Arrays.fill(cdb, (byte) 0x7e);
        ByteBuffer b = bytes(new ScsiCommandPdu(false, true, false, false, 0, 0, 1, 0, 1, 1, cdb, OptionalInt.empty(),
                Unpooled.EMPTY_BUFFER));
        assertEquals(56, b.limit());
        assertEquals(2, b.get(4), "TotalAHSLength in words");
        assertEquals(5, b.getShort(48), "AHSLength is CDB length - 15");
        assertEquals(1, b.get(50));
        assertEquals(0x7e7e7e7e, b.getInt(52));
    }

    @Test
    void dataInWithStatusAndPadding() {
        ByteBuffer b = bytes(DataIn.withStatus(0, 512, Lun.raw(1), 0x33, 7, 8, 9, 3, 1024,
                Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        assertEquals(52, b.limit());
        assertEquals(0x25, b.get(0));
        assertEquals((byte) 0x83, b.get(1), "F, U and S");
        assertEquals(3, b.getInt(4));
        assertEquals(-1, b.getInt(20));
        assertEquals(7, b.getInt(24));
        assertEquals(8, b.getInt(28));
        assertEquals(9, b.getInt(32));
        assertEquals(3, b.getInt(36));
        assertEquals(1024, b.getInt(40));
        assertEquals(512, b.getInt(44));
        assertEquals(0x01020300, b.getInt(48));
    }

    @Test
    void r2tAndLogoutResponse() {
        ByteBuffer r2t = bytes(new R2t(0, 1, 2, 3, 4, 5, 6, 7, 8));
        assertEquals(0x31, r2t.get(0));
        assertEquals((byte) 0x80, r2t.get(1));
        assertEquals(2, r2t.getInt(20));
        assertEquals(6, r2t.getInt(36));
        assertEquals(7, r2t.getInt(40));
        assertEquals(8, r2t.getInt(44));
        ByteBuffer logout = bytes(new LogoutResponse(LogoutResponse.CID_NOT_FOUND, 1, 2, 3, 4, 5, 6));
        assertEquals(0x26, logout.get(0));
        assertEquals(1, logout.get(2));
        assertEquals(5, logout.getShort(40));
        assertEquals(6, logout.getShort(42));
    }

    @Test
    void loginRequestAndResponse() {
        ByteBuffer req = bytes(new LoginRequest(true, false, 1, 3, 0, 0, 0x023d_0000_0001L, 0x0102, 5, 0x0708, 6, 7,
                Unpooled.EMPTY_BUFFER));
        assertEquals(0x43, req.get(0), "always immediate");
        assertEquals((byte) 0x87, req.get(1), "T, CSG 1, NSG 3");
        assertEquals(0x023d_0000_0001_0102L, req.getLong(8), "ISID then TSIH");
        assertEquals(0x0708, req.getShort(20));
        ByteBuffer rsp = bytes(new LoginResponse(false, true, 0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 2, 1,
                Unpooled.EMPTY_BUFFER));
        assertEquals(0x23, rsp.get(0));
        assertEquals(0x41, rsp.get(1), "C, CSG 0, NSG 1");
        assertEquals(2, rsp.get(36));
        assertEquals(1, rsp.get(37));
    }

    @Test
    void scsiResponseWithSenseAndOverflow() {
        ByteBuffer b = bytes(ScsiResponsePdu.completed(9, 2, new byte[18], -100, 1, 2, 3, 0));
        assertEquals((byte) 0x84, b.get(1), "F and O");
        assertEquals(0, b.get(2));
        assertEquals(2, b.get(3));
        assertEquals(100, b.getInt(44));
        assertEquals(20, b.getInt(4));
        assertEquals(18, b.getShort(48));
    }

    @Test
    void taskManagementAndReject() {
        ByteBuffer tmf = bytes(new TaskManagementRequest(true, TaskManagementRequest.LOGICAL_UNIT_RESET, 0, 1, 2, 3, 4,
                5, 6));
        assertEquals(0x42, tmf.get(0));
        assertEquals((byte) 0x85, tmf.get(1));
        assertEquals(5, tmf.getInt(32));
        assertEquals(6, tmf.getInt(36));
        byte[] rejected = new byte[48];
        rejected[0] = 0x1c;
        ByteBuffer reject = bytes(Reject.of(Reject.INVALID_PDU_FIELD, rejected, 1, 2, 3));
        assertEquals(0x3f, reject.get(0));
        assertEquals(9, reject.get(2));
        assertEquals(-1, reject.getInt(16));
        assertEquals(48, reject.getInt(4));
        assertEquals(0x1c, reject.get(48));
    }

    @Test
    void dataSegmentIsNotCopied() {
        ByteBuf data = Samples.data(wire.alloc, 1021);
        byte[] array = data.array();
        List<ByteBuf> written = wire.written(List.of(new DataOut(true, 0, 1, 2, 3, 4, 0, data)));
        assertEquals(3, written.size(), "header, data, padding");
        assertSame(array, written.get(1).array());
        assertEquals(3, written.get(2).readableBytes());
        written.forEach(ByteBuf::release);
    }

    /** Digests start with the first PDU after the final Login Request / Response, on both sides. */
    @Test
    void digestsSwitchOnAfterLogin() {
        wire.addInbound(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LoginRequest login && login.transit() && login.nsg() == Bhs.FULL_FEATURE_PHASE) {
                    wire.decoder.setHeaderDigest(true);
                    wire.decoder.setDataDigest(true);
                }
                ctx.fireChannelRead(msg);
            }
        });
        byte[] login = wire.encode(new LoginRequest(true, false, 1, 3, 0, 0, 1, 0, 1, 0, 1, 1,
                Samples.data(wire.alloc, 7)));
        wire.encoder.setHeaderDigest(true);
        wire.encoder.setDataDigest(true);
        byte[] nop = wire.encode(new NopOut(true, 0, 2, Bhs.RESERVED_TAG, 2, 1, Samples.data(wire.alloc, 7)));
        assertEquals(48 + 8, login.length);
        assertEquals(48 + 4 + 8 + 4, nop.length);

        byte[] stream = Arrays.copyOf(login, login.length + nop.length);
        System.arraycopy(nop, 0, stream, login.length, nop.length);
        List<Object> decoded = wire.decode(stream, stream.length);
        assertInstanceOf(LoginRequest.class, decoded.get(0));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7}, io.netty.buffer.ByteBufUtil.getBytes(
                assertInstanceOf(NopOut.class, decoded.get(1)).content()));
        decoded.forEach(ReferenceCountUtil::release);
    }

    @Test
    void nopInAnswersWithThePingData() {
        NopOut ping = new NopOut(true, Lun.raw(3), 7, Bhs.RESERVED_TAG, 1, 1, Samples.data(wire.alloc, 6));
        NopIn answer = NopIn.answer(ping, 1, 2, 3);
        ping.release();
        ByteBuffer b = bytes(answer);
        assertEquals(7, b.getInt(16));
        assertEquals(-1, b.getInt(20));
        assertEquals(0x06, b.get(48 + 5));
    }

    private ByteBuffer bytes(io.cistern.target.pdu.Pdu pdu) {
        return ByteBuffer.wrap(wire.encode(pdu));
    }
}
