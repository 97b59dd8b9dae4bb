package io.cistern.target.scsi.spc;

/**
 * Sense data (SPC-4 4.5): the one place where sense bytes are built. A value with a sense key,
 * additional sense code and qualifier, and an optional INFORMATION field (the failing LBA or the
 * miscompare offset).
 */
public record Sense(int key, int asc, int ascq, long information) {

    public static final int NO_SENSE = 0x0;
    public static final int NOT_READY = 0x2;
    public static final int MEDIUM_ERROR = 0x3;
    public static final int HARDWARE_ERROR = 0x4;
    public static final int ILLEGAL_REQUEST = 0x5;
    public static final int UNIT_ATTENTION = 0x6;
    public static final int DATA_PROTECT = 0x7;
    public static final int ABORTED_COMMAND = 0xB;
    public static final int MISCOMPARE = 0xE;

    public static final Sense NO_ADDITIONAL = of(NO_SENSE, 0x00, 0x00);
    public static final Sense INVALID_COMMAND_OPERATION_CODE = of(ILLEGAL_REQUEST, 0x20, 0x00);
    public static final Sense INVALID_FIELD_IN_CDB = of(ILLEGAL_REQUEST, 0x24, 0x00);
    public static final Sense INVALID_FIELD_IN_PARAMETER_LIST = of(ILLEGAL_REQUEST, 0x26, 0x00);
    public static final Sense PARAMETER_LIST_LENGTH_ERROR = of(ILLEGAL_REQUEST, 0x1A, 0x00);
    public static final Sense INVALID_FIELD_IN_INFORMATION_UNIT = of(ILLEGAL_REQUEST, 0x0E, 0x03);
    public static final Sense LBA_OUT_OF_RANGE = of(ILLEGAL_REQUEST, 0x21, 0x00);
    public static final Sense LOGICAL_UNIT_NOT_SUPPORTED = of(ILLEGAL_REQUEST, 0x25, 0x00);
    public static final Sense SAVING_PARAMETERS_NOT_SUPPORTED = of(ILLEGAL_REQUEST, 0x39, 0x00);
    public static final Sense MEDIUM_REMOVAL_PREVENTED = of(ILLEGAL_REQUEST, 0x53, 0x02);
    public static final Sense WRITE_PROTECTED = of(DATA_PROTECT, 0x27, 0x00);
    public static final Sense SPACE_ALLOCATION_FAILED = of(DATA_PROTECT, 0x27, 0x07);
    public static final Sense UNRECOVERED_READ_ERROR = of(MEDIUM_ERROR, 0x11, 0x00);
    public static final Sense WRITE_ERROR = of(MEDIUM_ERROR, 0x0C, 0x00);
    public static final Sense INTERNAL_TARGET_FAILURE = of(HARDWARE_ERROR, 0x44, 0x00);
    public static final Sense MISCOMPARE_DURING_VERIFY = of(MISCOMPARE, 0x1D, 0x00);

    private static final int FIXED_LENGTH = 18;

    public static Sense of(int key, int asc, int ascq) {
        return new Sense(key, asc, ascq, -1);
    }

    /** The same sense with the INFORMATION field set (VALID bit on). */
    public Sense withInformation(long value) {
        return new Sense(key, asc, ascq, value);
    }

    /** Fixed format (response code 0x70, SPC-4 4.5.3), or descriptor format (0x72) if D_SENSE is set. */
    public byte[] toBytes(boolean descriptorFormat) {
        return descriptorFormat ? descriptor() : fixed();
    }

    private byte[] fixed() {
        byte[] b = new byte[FIXED_LENGTH];
        b[0] = (byte) 0x70;
        b[2] = (byte) key;
        if (information >= 0 && information <= 0xFFFFFFFFL) {
            b[0] |= (byte) 0x80; // VALID: INFORMATION holds the value (it has 32 bits in fixed format)
            putInt(b, 3, information);
        }
        b[7] = FIXED_LENGTH - 8;
        b[12] = (byte) asc;
        b[13] = (byte) ascq;
        return b;
    }

    private byte[] descriptor() {
        boolean info = information >= 0;
        byte[] b = new byte[8 + (info ? 12 : 0)];
        b[0] = 0x72;
        b[1] = (byte) key;
        b[2] = (byte) asc;
        b[3] = (byte) ascq;
        if (info) {
            b[7] = 12;
            b[8] = 0x00;      // information descriptor
            b[9] = 0x0A;
            b[10] = (byte) 0x80;
            putInt(b, 12, information >>> 32);
            putInt(b, 16, information);
        }
        return b;
    }

    private static void putInt(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
