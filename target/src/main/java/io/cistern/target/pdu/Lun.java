package io.cistern.target.pdu;

/**
 * The 8-byte LUN field (SAM-5 §4.7), kept raw in a {@code long} as it appears on the wire, and
 * the flat LUN number the SCSI core uses. Only the first level is understood: peripheral device
 * addressing (method 00b, LUN below 256) and flat space addressing (method 01b, up to 16383).
 */
public final class Lun {

    private static final int FLAT_SPACE = 0x4000;

    private Lun() {
    }

    /** The LUN number of a raw LUN field in peripheral or flat space addressing. */
    public static int number(long raw) {
        return (int) (raw >>> 48) & 0x3fff;
    }

    /** The raw LUN field for {@code number}, addressed as Linux and most initiators do. */
    public static long raw(int number) {
        if (number < 0 || number > 0x3fff) {
            throw new IllegalArgumentException("LUN out of range: " + number);
        }
        return (long) (number < 256 ? number : FLAT_SPACE | number) << 48;
    }
}
