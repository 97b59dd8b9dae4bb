package io.cistern.target.codec;

import io.cistern.target.codec.MalformedPdu.Reason;
import io.cistern.target.pdu.Ahs;
import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.Opcode;
import io.cistern.target.pdu.Pdus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes iSCSI PDUs (RFC 7143 §11.2): emits a {@link io.cistern.target.pdu.Pdu} or a
 * {@link MalformedPdu}, never throws for bad input.
 *
 * <p>Every length is checked before its bytes are buffered: the AHS is bounded by its one-byte
 * field (1020 bytes) and a data segment longer than {@link #setMaxDataSegmentLength} is skipped as
 * it arrives. The header digest is verified before any length in the header is believed.
 *
 * <p>Ownership: a decoded {@link io.cistern.target.pdu.DataPdu}'s content is a retained slice of
 * the received bytes; the handler that consumes the PDU releases it. The decoder holds no buffer
 * of its own between reads, so a PDU cut short by the channel closing leaks nothing.
 *
 * <p>Received bytes are kept in the buffers they were read into, joined as a composite, not copied
 * into one buffer ({@link #cumulate}); a data segment is a slice of them.
 *
 * <p>Settings are changed on the event loop, between PDUs (the session does so while handling the
 * final Login Request, before the initiator may send anything else): one PDU is emitted per
 * {@code decode} call, so the next PDU is decoded with the new settings.
 */
public final class PduDecoder extends ByteToMessageDecoder {

    /** MaxRecvDataSegmentLength before negotiation, and during login (RFC 7143 §13.12). */
    public static final int DEFAULT_MAX_DATA_SEGMENT_LENGTH = 8192;

    private enum State { BHS, AHS, DATA, DISCARD, BROKEN }

    private boolean headerDigest;
    private boolean dataDigest;
    private int maxDataSegmentLength = DEFAULT_MAX_DATA_SEGMENT_LENGTH;

    private State state = State.BHS;
    // The PDU being decoded. Header and AHS are copied out (at most 48 + 1020 bytes): a Reject
    // needs the header, and holding no slice of the cumulation means nothing to release on close.
    private byte[] header;
    private byte[] ahs;
    private Opcode opcode;
    private int dataSegmentLength;
    private long discardRemaining;
    private Reason discardReason;
    /** Bytes from the reader index that the step under way waits for (0: a few, or none). */
    private int wanted;

    /** Reads at least this long are kept as they are, not copied: see {@link #cumulate}. */
    static final int MIN_KEPT_READ = 4096;
    /** Most buffers the bytes held are kept in while shorter reads trickle in. */
    static final int MAX_COMPONENTS = 64;

    public PduDecoder() {
        setCumulator(this::cumulate);
    }

    public void setHeaderDigest(boolean enabled) {
        headerDigest = enabled;
    }

    public void setDataDigest(boolean enabled) {
        dataDigest = enabled;
    }

    /** The largest data segment accepted: the target's declared MaxRecvDataSegmentLength. */
    public void setMaxDataSegmentLength(int length) {
        if (length < 512 || length > Bhs.MAX_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("MaxRecvDataSegmentLength out of range: " + length);
        }
        maxDataSegmentLength = length;
    }

    /** Bytes received but not yet decoded: bounded by one PDU's header and accepted data segment. */
    int bufferedBytes() {
        return held().readableBytes();
    }

    /** The buffer that holds them. */
    ByteBuf held() {
        return internalBuffer();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        wanted = 0;
        while (out.isEmpty() && step(in, out)) {
            // Each step moves to the next state; stop at the first PDU or when bytes run out.
        }
    }

    /**
     * Appends a read to the bytes held. A read of at least {@link #MIN_KEPT_READ} bytes is kept as it
     * is, a component of a composite (as Netty's {@code COMPOSITE_CUMULATOR} does): a 1 MiB write's
     * Data-Outs arrive in reads of up to 64 KiB, and copying them into one buffer per PDU took 40% of
     * the event loop's time (docs/benchmarks.md, session 35). A shorter read is copied: into the
     * bytes held if they have room and are not shared with the previous PDU's data (a slice the
     * SCSI layer still holds), else kept too, up to {@link #MAX_COMPONENTS}; past that, everything
     * held moves to one buffer with room for all the data segment being decoded awaits (its size
     * was checked against MaxRecvDataSegmentLength). So a trickle of tiny reads costs a bounded
     * number of buffers, and copies at most the segment once every {@code MAX_COMPONENTS} reads.
     */
    private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf held, ByteBuf in) {
        if (!held.isReadable() && in.isContiguous()) {
            held.release();
            return in;
        }
        int bytes = in.readableBytes();
        if (bytes >= MIN_KEPT_READ
                || held instanceof CompositeByteBuf composite && composite.numComponents() < MAX_COMPONENTS) {
            return compose(alloc, held, in);
        }
        try {
            if (held.refCnt() == 1 && !held.isReadOnly() && held.writableBytes() >= bytes) {
                return held.writeBytes(in);
            }
            ByteBuf room = alloc.buffer(Math.max(wanted, held.readableBytes() + bytes));
            room.writeBytes(held).writeBytes(in);
            held.release();
            return room;
        } finally {
            in.release();
        }
    }

    /** {@code held} and then {@code in} as one composite, which takes both. */
    private static ByteBuf compose(ByteBufAllocator alloc, ByteBuf held, ByteBuf in) {
        CompositeByteBuf composite;
        if (held instanceof CompositeByteBuf c && c.refCnt() == 1) {
            composite = c;
        } else { // a shared composite's components move to a new one, which the slices held do not see
            composite = alloc.compositeBuffer(Integer.MAX_VALUE);
            composite.addFlattenedComponents(true, held);
        }
        return composite.addFlattenedComponents(true, in);
    }

    private boolean step(ByteBuf in, List<Object> out) {
        return switch (state) {
            case BHS -> readBhs(in);
            case AHS -> readAhs(in, out);
            case DATA -> readData(in, out);
            case DISCARD -> discard(in, out);
            case BROKEN -> {
                in.skipBytes(in.readableBytes());
                yield false;
            }
        };
    }

    private boolean readBhs(ByteBuf in) {
        if (in.readableBytes() < Bhs.LENGTH) {
            return false;
        }
        header = new byte[Bhs.LENGTH];
        in.readBytes(header);
        state = State.AHS;
        return true;
    }

    /** Reads the AHS and the header digest, then decides from the now trusted header what comes next. */
    private boolean readAhs(ByteBuf in, List<Object> out) {
        ByteBuf bhs = Unpooled.wrappedBuffer(header);
        int ahsLength = Bhs.totalAhsLength(bhs);
        if (in.readableBytes() < ahsLength + digestLength(headerDigest)) {
            return false;
        }
        ahs = new byte[ahsLength];
        in.readBytes(ahs);
        if (headerDigest && in.readIntLE() != Crc32c.of(header, ahs)) {
            state = State.BROKEN;
            out.add(new MalformedPdu(Reason.HEADER_DIGEST_ERROR, header));
            return true;
        }
        opcode = Opcode.of(header[Bhs.OPCODE]);
        dataSegmentLength = Bhs.dataSegmentLength(bhs);
        if (opcode == null) {
            startDiscard(Reason.UNKNOWN_OPCODE);
        } else if (dataSegmentLength > maxDataSegmentLength) {
            startDiscard(Reason.DATA_SEGMENT_TOO_LONG);
        } else if (dataSegmentLength > 0 && !opcode.carriesData()) {
            startDiscard(Reason.UNEXPECTED_DATA_SEGMENT);
        } else if (ahsLength > 0 && (opcode != Opcode.SCSI_COMMAND || !Ahs.valid(Unpooled.wrappedBuffer(ahs)))) {
            startDiscard(Reason.BAD_AHS);
        } else {
            state = State.DATA;
        }
        return true;
    }

    private boolean readData(ByteBuf in, List<Object> out) {
        int padded = dataSegmentLength + Bhs.padding(dataSegmentLength);
        int digest = dataSegmentLength == 0 ? 0 : digestLength(dataDigest);
        if (in.readableBytes() < padded + digest) {
            wanted = padded + digest;
            return false;
        }
        state = State.BHS;
        if (digest > 0 && in.getIntLE(in.readerIndex() + padded) != Crc32c.of(in, in.readerIndex(), padded, 0)) {
            in.skipBytes(padded + digest);
            out.add(new MalformedPdu(Reason.DATA_DIGEST_ERROR, header));
            return true;
        }
        ByteBuf content = dataSegmentLength == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(dataSegmentLength);
        in.skipBytes(padded - dataSegmentLength + digest);
        out.add(Pdus.decode(opcode, Unpooled.wrappedBuffer(header), Unpooled.wrappedBuffer(ahs), content));
        return true;
    }

    /** Skips the rest of a refused PDU: its data segment, padding and data digest. */
    private void startDiscard(Reason reason) {
        discardReason = reason;
        discardRemaining = dataSegmentLength + Bhs.padding(dataSegmentLength)
                + (dataSegmentLength == 0 ? 0 : digestLength(dataDigest));
        state = State.DISCARD;
    }

    private boolean discard(ByteBuf in, List<Object> out) {
        int skip = (int) Math.min(in.readableBytes(), discardRemaining);
        in.skipBytes(skip);
        discardRemaining -= skip;
        if (discardRemaining > 0) {
            return false;
        }
        state = State.BHS;
        out.add(new MalformedPdu(discardReason, header));
        return true;
    }

    private static int digestLength(boolean enabled) {
        return enabled ? Bhs.DIGEST_LENGTH : 0;
    }
}
