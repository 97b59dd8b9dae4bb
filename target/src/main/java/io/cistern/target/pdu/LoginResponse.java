package io.cistern.target.pdu;

import static io.cistern.target.pdu.Bhs.*;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Login Response (RFC 7143 §11.13). {@code content} holds text key=value pairs, owned by this PDU.
 *
 * @param transit      the T bit: the target moves to {@code nsg}
 * @param isContinue   the C bit: the text continues in the next Login Response
 * @param isid         the 6-byte ISID in the low 48 bits, echoed from the request
 * @param statusClass  0 success, 1 redirection, 2 initiator error, 3 target error (§11.13.5)
 */
public record LoginResponse(boolean transit, boolean isContinue, int csg, int nsg, int versionMax,
                            int versionActive, long isid, int tsih, int initiatorTaskTag, int statSN,
                            int expCmdSN, int maxCmdSN, int statusClass, int statusDetail,
                            ByteBuf content) implements DataPdu {

    public LoginResponse {
        Objects.requireNonNull(content, "content");
    }

    static LoginResponse decode(ByteBuf bhs, ByteBuf content) {
        int flags = bhs.getByte(FLAGS);
        return new LoginResponse(flag(bhs, TRANSIT), flag(bhs, CONTINUE), (flags & CSG_MASK) >> CSG_SHIFT,
                flags & NSG_MASK, bhs.getUnsignedByte(VERSION_MAX), bhs.getUnsignedByte(VERSION_ACTIVE),
                bhs.getLong(ISID) >>> 16, bhs.getUnsignedShort(TSIH), bhs.getInt(INITIATOR_TASK_TAG),
                bhs.getInt(STAT_SN), bhs.getInt(EXP_CMD_SN), bhs.getInt(MAX_CMD_SN),
                bhs.getUnsignedByte(STATUS_CLASS), bhs.getUnsignedByte(STATUS_DETAIL), content);
    }

    /** True if this response ends the login phase: the digests chosen apply to the PDUs after it. */
    public boolean entersFullFeaturePhase() {
        return transit && nsg == FULL_FEATURE_PHASE && statusClass == 0;
    }

    @Override
    public Opcode opcode() {
        return Opcode.LOGIN_RESPONSE;
    }

    @Override
    public void writeBhs(ByteBuf bhs) {
        bhs.setByte(FLAGS, bit(transit, TRANSIT) | bit(isContinue, CONTINUE) | csg << CSG_SHIFT & CSG_MASK
                | nsg & NSG_MASK);
        bhs.setByte(VERSION_MAX, versionMax);
        bhs.setByte(VERSION_ACTIVE, versionActive);
        bhs.setLong(ISID, isid << 16 | tsih & 0xffff);
        bhs.setInt(INITIATOR_TASK_TAG, initiatorTaskTag);
        bhs.setInt(STAT_SN, statSN);
        bhs.setInt(EXP_CMD_SN, expCmdSN);
        bhs.setInt(MAX_CMD_SN, maxCmdSN);
        bhs.setByte(STATUS_CLASS, statusClass);
        bhs.setByte(STATUS_DETAIL, statusDetail);
    }

    @Override
    public LoginResponse replace(ByteBuf content) {
        return new LoginResponse(transit, isContinue, csg, nsg, versionMax, versionActive, isid, tsih,
                initiatorTaskTag, statSN, expCmdSN, maxCmdSN, statusClass, statusDetail, content);
    }
}
