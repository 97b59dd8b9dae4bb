package io.cistern.target.codec;

import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataPdu;
import io.cistern.target.pdu.Pdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes iSCSI PDUs without copying their data: each PDU becomes a header buffer (BHS, AHS,
 * header digest), a retained slice of its data segment and a small trailer (padding, data digest).
 *
 * <p>Ownership: the encoder releases each {@link DataPdu} written to it once; the data travels on
 * in its own retained slice, released when written to the socket.
 *
 * <p>Digest settings take effect for the PDUs written after the call: the session switches them
 * on the event loop right after writing the final Login Response.
 */
public final class PduEncoder extends MessageToMessageEncoder<Pdu> {

    private boolean headerDigest;
    private boolean dataDigest;

    public PduEncoder() {
        super(Pdu.class);
    }

    public void setHeaderDigest(boolean enabled) {
        headerDigest = enabled;
    }

    public void setDataDigest(boolean enabled) {
        dataDigest = enabled;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Pdu pdu, List<Object> out) {
        ByteBuf data = pdu instanceof DataPdu d ? d.content() : Unpooled.EMPTY_BUFFER;
        int length = data.readableBytes();
        int ahsLength = pdu.totalAhsLength();
        // Checked before anything is added to out: MessageToMessageEncoder writes out even on failure.
        if (length > Bhs.MAX_DATA_SEGMENT_LENGTH || ahsLength > Bhs.MAX_AHS_LENGTH) {
            throw new EncoderException(pdu.opcode() + ": data segment or AHS too long");
        }
        ByteBuf header = ctx.alloc().buffer(Bhs.LENGTH + ahsLength + Bhs.DIGEST_LENGTH);
        header.writeZero(Bhs.LENGTH);
        header.setByte(Bhs.OPCODE, pdu.opcode().code() | Bhs.bit(pdu.immediate(), Bhs.IMMEDIATE));
        header.setByte(Bhs.TOTAL_AHS_LENGTH, ahsLength / 4);
        header.setMedium(Bhs.DATA_SEGMENT_LENGTH, length);
        pdu.writeBhs(header);
        pdu.writeAhs(header);
        if (headerDigest) {
            header.writeIntLE(Crc32c.of(header, 0, header.readableBytes(), 0));
        }
        out.add(header);
        if (length == 0) {
            return;
        }
        out.add(data.retainedSlice());
        int padding = Bhs.padding(length);
        if (padding > 0 || dataDigest) {
            ByteBuf trailer = ctx.alloc().buffer(padding + Bhs.DIGEST_LENGTH).writeZero(padding);
            if (dataDigest) {
                trailer.writeIntLE(Crc32c.of(data, data.readerIndex(), length, padding));
            }
            out.add(trailer);
        }
    }
}
