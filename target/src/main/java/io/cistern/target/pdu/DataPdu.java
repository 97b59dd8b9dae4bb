package io.cistern.target.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;

/**
 * A PDU with a data segment. The segment is {@link #content()}, without padding.
 *
 * <p>Ownership: a DataPdu owns one reference to its buffer. Whoever holds the PDU releases it
 * exactly once (the encoder does so for PDUs written to a channel; the handler that consumes a
 * decoded PDU does so for PDUs read). {@code replace} moves a buffer into a new PDU without
 * touching the old one's.
 */
public interface DataPdu extends Pdu, ByteBufHolder {

    @Override
    DataPdu replace(ByteBuf content);

    @Override
    default DataPdu copy() {
        return replace(content().copy());
    }

    @Override
    default DataPdu duplicate() {
        return replace(content().duplicate());
    }

    @Override
    default DataPdu retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    default int refCnt() {
        return content().refCnt();
    }

    @Override
    default DataPdu retain() {
        content().retain();
        return this;
    }

    @Override
    default DataPdu retain(int increment) {
        content().retain(increment);
        return this;
    }

    @Override
    default DataPdu touch() {
        content().touch();
        return this;
    }

    @Override
    default DataPdu touch(Object hint) {
        content().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return content().release();
    }

    @Override
    default boolean release(int decrement) {
        return content().release(decrement);
    }
}
