package io.cistern.target.pdu;

/** PDU opcodes (RFC 7143 §11.2.1.2); codes below 0x20 travel from initiator to target. */
public enum Opcode {
    NOP_OUT(0x00, true),
    SCSI_COMMAND(0x01, true),
    TASK_MANAGEMENT_REQUEST(0x02, false),
    LOGIN_REQUEST(0x03, true),
    TEXT_REQUEST(0x04, true),
    DATA_OUT(0x05, true),
    LOGOUT_REQUEST(0x06, false),
    SNACK_REQUEST(0x10, false),
    NOP_IN(0x20, true),
    SCSI_RESPONSE(0x21, true),
    TASK_MANAGEMENT_RESPONSE(0x22, false),
    LOGIN_RESPONSE(0x23, true),
    TEXT_RESPONSE(0x24, true),
    DATA_IN(0x25, true),
    LOGOUT_RESPONSE(0x26, false),
    R2T(0x31, false),
    ASYNC_MESSAGE(0x32, true),
    REJECT(0x3f, true);

    private static final Opcode[] BY_CODE = new Opcode[Bhs.OPCODE_MASK + 1];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final boolean carriesData;

    Opcode(int code, boolean carriesData) {
        this.code = code;
        this.carriesData = carriesData;
    }

    /** The opcode for the low 6 bits of {@code code}, or null if RFC 7143 defines none. */
    public static Opcode of(int code) {
        return BY_CODE[code & Bhs.OPCODE_MASK];
    }

    public int code() {
        return code;
    }

    /** False for PDUs whose DataSegmentLength the RFC requires to be 0. */
    public boolean carriesData() {
        return carriesData;
    }

    public boolean fromInitiator() {
        return code < 0x20;
    }
}
