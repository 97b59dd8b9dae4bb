package io.cistern.target.codec;

import io.cistern.target.testing.TrackingAllocator;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cistern.target.pdu.Pdu;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** An encoder channel and a decoder channel on one tracking allocator, for a test's lifetime. */
final class Wire {

    final TrackingAllocator alloc = new TrackingAllocator();
    final PduEncoder encoder = new PduEncoder();
    final PduDecoder decoder = new PduDecoder();
    private final EmbeddedChannel out = channel(encoder);
    private final EmbeddedChannel in = channel(decoder);

    private EmbeddedChannel channel(ChannelHandler handler) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(handler);
        return channel;
    }

    void digests(boolean header, boolean data) {
        encoder.setHeaderDigest(header);
        encoder.setDataDigest(data);
        decoder.setHeaderDigest(header);
        decoder.setDataDigest(data);
    }

    /** Encodes {@code pdus} (taking them) and returns the bytes written, releasing the encoder's buffers. */
    byte[] encode(List<? extends Pdu> pdus) {
        ByteArrayBuilder bytes = new ByteArrayBuilder();
        for (ByteBuf buf : written(pdus)) {
            bytes.add(buf);
            buf.release();
        }
        return bytes.toArray();
    }

    /** Encodes {@code pdus} (taking them); the caller releases the buffers returned. */
    List<ByteBuf> written(List<? extends Pdu> pdus) {
        pdus.forEach(out::writeOutbound);
        List<ByteBuf> written = new ArrayList<>();
        for (ByteBuf buf = out.readOutbound(); buf != null; buf = out.readOutbound()) {
            written.add(buf);
        }
        return written;
    }

    /** Adds a handler after the decoder, as the session would be. */
    void addInbound(ChannelHandler handler) {
        in.pipeline().addLast(handler);
    }

    byte[] encode(Pdu pdu) {
        return encode(List.of(pdu));
    }

    /** Feeds {@code bytes} in chunks of at most {@code chunk} bytes; returns what was decoded. */
    List<Object> decode(byte[] bytes, int chunk) {
        for (int i = 0; i < bytes.length; i += chunk) {
            feed(bytes, i, Math.min(chunk, bytes.length - i));
        }
        return readAll();
    }

    void feed(byte[] bytes, int offset, int length) {
        in.writeInbound(alloc.buffer(length).writeBytes(bytes, offset, length));
    }

    List<Object> readAll() {
        List<Object> decoded = new ArrayList<>();
        for (Object msg = in.readInbound(); msg != null; msg = in.readInbound()) {
            decoded.add(msg);
        }
        return decoded;
    }

    /** Closes both channels: nothing may be left in them, and every buffer must have been released. */
    void finish() {
        assertFalse(out.finish(), "encoder channel left messages");
        assertFalse(in.finish(), "decoder channel left messages");
        assertNull(in.readInbound());
        alloc.assertAllReleased();
    }

    /** Collects the readable bytes of buffers. */
    static final class ByteArrayBuilder {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        void add(ByteBuf buf) {
            byte[] part = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), part);
            bytes.writeBytes(part);
        }

        byte[] toArray() {
            return bytes.toByteArray();
        }
    }
}
