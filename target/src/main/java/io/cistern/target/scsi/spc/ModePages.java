package io.cistern.target.scsi.spc;

import java.util.List;

/**
 * The mode pages of a direct-access device (SPC-4 7.5, SBC-3 6.4): Caching, Control and
 * Informational Exceptions Control, as current, changeable (a bit mask) or default values.
 */
final class ModePages {

    static final int CURRENT = 0, CHANGEABLE = 1, DEFAULT = 2, SAVED = 3;
    static final int CACHING = 0x08, CONTROL = 0x0A, INFORMATIONAL_EXCEPTIONS = 0x1C, ALL = 0x3F;
    static final List<Integer> PAGES = List.of(CACHING, CONTROL, INFORMATIONAL_EXCEPTIONS);

    private static final int WCE = 0x04;

    private ModePages() {
    }

    static boolean exists(int code) {
        return PAGES.contains(code);
    }

    static byte[] page(int code, int control, ModeParameters mode) {
        return switch (code) {
            case CACHING -> caching(control, mode);
            case CONTROL -> control(control);
            case INFORMATIONAL_EXCEPTIONS -> informationalExceptions(control);
            default -> throw new IllegalArgumentException("mode page " + code);
        };
    }

    private static byte[] caching(int control, ModeParameters mode) {
        byte[] p = header(CACHING, 0x12);
        boolean wce = switch (control) {
            case CURRENT -> mode.writeCacheEnabled();
            case DEFAULT -> ModeParameters.DEFAULT_WCE;
            default -> true; // changeable mask: WCE is the one changeable bit
        };
        p[2] = (byte) (wce ? WCE : 0); // RCD=0: the read cache is not disabled
        return p;
    }

    private static byte[] control(int control) {
        byte[] p = header(CONTROL, 0x0A);
        if (control == CHANGEABLE) {
            return p;
        }
        p[2] = 0x00;          // TST=0 (one task set), D_SENSE=0: fixed format sense
        p[3] = 0x10;          // QUEUE ALGORITHM MODIFIER 1: unrestricted reordering; QERR=0
        p[8] = (byte) 0xFF;   // BUSY TIMEOUT PERIOD: unlimited
        p[9] = (byte) 0xFF;
        return p;
    }

    private static byte[] informationalExceptions(int control) {
        byte[] p = header(INFORMATIONAL_EXCEPTIONS, 0x0A);
        if (control != CHANGEABLE) {
            p[2] = 0x08;      // DEXCPT: no informational exception reporting
        }
        return p;
    }

    private static byte[] header(int code, int length) {
        byte[] p = new byte[length + 2];
        p[0] = (byte) code;
        p[1] = (byte) length;
        return p;
    }
}
