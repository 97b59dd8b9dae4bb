package io.cistern.target.codec;

import io.cistern.target.pdu.AsyncMessage;
import io.cistern.target.pdu.Bhs;
import io.cistern.target.pdu.DataIn;
import io.cistern.target.pdu.DataOut;
import io.cistern.target.pdu.LoginRequest;
import io.cistern.target.pdu.LoginResponse;
import io.cistern.target.pdu.LogoutRequest;
import io.cistern.target.pdu.LogoutResponse;
import io.cistern.target.pdu.Lun;
import io.cistern.target.pdu.NopIn;
import io.cistern.target.pdu.NopOut;
import io.cistern.target.pdu.Pdu;
import io.cistern.target.pdu.R2t;
import io.cistern.target.pdu.Reject;
import io.cistern.target.pdu.ScsiCommandPdu;
import io.cistern.target.pdu.ScsiResponsePdu;
import io.cistern.target.pdu.SnackRequest;
import io.cistern.target.pdu.TaskManagementRequest;
import io.cistern.target.pdu.TaskManagementResponse;
import io.cistern.target.pdu.TextRequest;
import io.cistern.target.pdu.TextResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

/** One PDU of every kind, with distinct values in every field and data of awkward lengths. */
final class Samples {

    private Samples() {
    }

    /** Fresh instances on every call; their buffers come from {@code alloc} and belong to the caller. */
    static List<Pdu> all(ByteBufAllocator alloc) {
        long lun = Lun.raw(300);
        long isid = 0x80_12_34_56_78_9aL;
        byte[] extendedCdb = new byte[34];
        for (int i = 0; i < extendedCdb.length; i++) {
            extendedCdb[i] = (byte) (0x7f + i);
        }
        return List.of(
                new NopOut(true, lun, 0x11, Bhs.RESERVED_TAG, 7, 8, data(alloc, 5)),
                new ScsiCommandPdu(false, true, true, false, 1, lun, 0x12, 4096, 9, 10,
                        new byte[] {0x28, 0, 0, 0, 0, 1, 0, 0, 8, 0}, OptionalInt.empty(), data(alloc, 0)),
                new ScsiCommandPdu(true, false, true, true, 2, Lun.raw(1), 0x13, 512, 11, 12, extendedCdb,
                        OptionalInt.of(-2), data(alloc, 13)),
                new TaskManagementRequest(true, TaskManagementRequest.ABORT_TASK, lun, 0x14, 0x15, 13, 14, 15, 16),
                new LoginRequest(true, false, Bhs.LOGIN_OPERATIONAL_NEGOTIATION, Bhs.FULL_FEATURE_PHASE, 0, 0, isid,
                        0x1234, 0x16, 0xfedc, 17, 18, text(alloc, "HeaderDigest=CRC32C,None\0")),
                new TextRequest(false, true, true, lun, 0x17, 0x18, 19, 20, text(alloc, "SendTargets=All\0")),
                new DataOut(true, lun, 0x19, 0x1a, 21, 22, 8192, data(alloc, 1021)),
                new LogoutRequest(true, LogoutRequest.CLOSE_CONNECTION, 0x1b, 3, 23, 24),
                new SnackRequest(SnackRequest.R_DATA, lun, 0x1c, 0x1d, 25, 26, 27),
                new NopIn(lun, Bhs.RESERVED_TAG, 0x1e, 28, 29, 30, data(alloc, 2)),
                new ScsiResponsePdu(true, false, false, true, 0, 2, 0x1f, 0x20, 31, 32, 33, 34, 35, 36,
                        data(alloc, 20)),
                new TaskManagementResponse(TaskManagementResponse.FUNCTION_REJECTED, 0x21, 37, 38, 39),
                new LoginResponse(true, true, Bhs.SECURITY_NEGOTIATION, Bhs.LOGIN_OPERATIONAL_NEGOTIATION, 0, 0,
                        isid, 0xbeef, 0x22, 40, 41, 42, 1, 2, text(alloc, "TargetPortalGroupTag=1\0")),
                new TextResponse(true, false, lun, 0x23, Bhs.RESERVED_TAG, 43, 44, 45, text(alloc, "TargetName=x\0")),
                new DataIn(true, false, true, false, true, 0x02, lun, 0x24, 0x25, 46, 47, 48, 49, 50, 51,
                        data(alloc, 4)),
                new LogoutResponse(LogoutResponse.CLEANUP_FAILED, 0x26, 52, 53, 54, 2, 20),
                new R2t(lun, 0x27, 0x28, 55, 56, 57, 58, 59, 65536),
                new AsyncMessage(lun, 60, 61, 62, AsyncMessage.LOGOUT_REQUESTED, 3, 4, 5, 6, data(alloc, 0)),
                new Reject(Reject.INVALID_PDU_FIELD, 63, 64, 65, 66, data(alloc, Bhs.LENGTH)));
    }

    /** {@code length} bytes counting up from 1, so a misplaced byte shows. */
    static ByteBuf data(ByteBufAllocator alloc, int length) {
        ByteBuf buf = alloc.buffer(length);
        for (int i = 0; i < length; i++) {
            buf.writeByte(i + 1);
        }
        return buf;
    }

    private static ByteBuf text(ByteBufAllocator alloc, String text) {
        return alloc.buffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
