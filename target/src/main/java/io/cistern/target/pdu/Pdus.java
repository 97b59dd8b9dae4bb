package io.cistern.target.pdu;

import io.netty.buffer.ByteBuf;

/** Builds the PDU record for a received header; the decoder's entry into this package. */
public final class Pdus {

    private Pdus() {
    }

    /**
     * The PDU whose BHS starts at index 0 of {@code bhs}.
     *
     * @param opcode  the opcode of {@code bhs}
     * @param ahs     the AHS bytes, already checked with {@link Ahs#valid}; empty but for SCSI Commands
     * @param content the data segment without padding; ownership passes to the returned PDU if its
     *                opcode {@link Opcode#carriesData() carries data}, otherwise it is not used
     */
    public static Pdu decode(Opcode opcode, ByteBuf bhs, ByteBuf ahs, ByteBuf content) {
        return switch (opcode) {
            case NOP_OUT -> NopOut.decode(bhs, content);
            case SCSI_COMMAND -> ScsiCommandPdu.decode(bhs, ahs, content);
            case TASK_MANAGEMENT_REQUEST -> TaskManagementRequest.decode(bhs);
            case LOGIN_REQUEST -> LoginRequest.decode(bhs, content);
            case TEXT_REQUEST -> TextRequest.decode(bhs, content);
            case DATA_OUT -> DataOut.decode(bhs, content);
            case LOGOUT_REQUEST -> LogoutRequest.decode(bhs);
            case SNACK_REQUEST -> SnackRequest.decode(bhs);
            case NOP_IN -> NopIn.decode(bhs, content);
            case SCSI_RESPONSE -> ScsiResponsePdu.decode(bhs, content);
            case TASK_MANAGEMENT_RESPONSE -> TaskManagementResponse.decode(bhs);
            case LOGIN_RESPONSE -> LoginResponse.decode(bhs, content);
            case TEXT_RESPONSE -> TextResponse.decode(bhs, content);
            case DATA_IN -> DataIn.decode(bhs, content);
            case LOGOUT_RESPONSE -> LogoutResponse.decode(bhs);
            case R2T -> R2t.decode(bhs);
            case ASYNC_MESSAGE -> AsyncMessage.decode(bhs, content);
            case REJECT -> Reject.decode(bhs, content);
        };
    }
}
