package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Login Request (RFC 7143 §11.12). Always immediate. {@code content} holds text key=value pairs,
 * owned by this PDU.
 *
 * @param transit    the T bit: the initiator is ready to move to {@code nsg}
 * @param isContinue the C bit: the text continues in the next Login Request
 * @param csg        current stage ({@link Bhs#SECURITY_NEGOTIATION}, ...)
 * @param nsg        next stage, meaningful when {@code transit}
 * @param isid       the 6-byte ISID in the low 48 bits
 */
public record LoginRequest(boolean transit, boolean isContinue, int csg, int nsg, int versionMax,
                           int versionMin, long isid, int tsih, int initiatorTaskTag, int cid,
                           int cmdSN, int expStatSN, ByteBuf content) implements DataPdu {

    public LoginRequest {
        Objects.requireNonNull(content, "content");
    }

    static LoginRequest decode(ByteBuf bhs, ByteBuf content) {
        int flags = bhs.getByte(FLAGS);
        return new LoginRequest(flag(bhs, TRANSIT), flag(bhs, CONTINUE), (flags & CSG_MASK) >> CSG_SHIFT,
                flags & NSG_MASK, bhs.getUnsignedByte(VERSION_MAX), bhs.getUnsignedByte(VERSION_MIN),
                bhs.getLong(ISID) >>> 16, bhs.getUnsignedShort(TSIH), bhs.getInt(INITIATOR_TASK_TAG),
                bhs.getUnsignedShort(CID), bhs.getInt(CMD_SN), bhs.getInt(EXP_STAT_SN), content);
    }

    @Override
    public Opcode opcode() {
        return Opcode.LOGIN_REQUEST;
    }

    @Override
    public boolean immediate() {
        return true;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, bit(transit, TRANSIT) | bit(isContinue, CONTINUE) | csg << CSG_SHIFT & CSG_MASK
                | nsg & NSG_MASK);
        bhs.setByte(VERSION_MAX, versionMax);
        bhs.setByte(VERSION_MIN, versionMin);
        bhs.setLong(ISID, isid << 16 | tsih & 0xffff);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setShort(CID, cid);
        bhs.setInt(CMD_SN, cmdSN);
        bhs.setInt(EXP_STAT_SN, expStatSN);
    }

    @Override
    public LoginRequest replace(ByteBuf content) {
        return new LoginRequest(transit, isContinue, csg, nsg, versionMax, versionMin, isid, tsih,
                initiatorTaskTag, cid, cmdSN, expStatSN, content);
    }
}
