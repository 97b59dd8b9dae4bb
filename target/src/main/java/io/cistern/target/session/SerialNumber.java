package io.cistern.target.session;

/** RFC 1982 serial number arithmetic on 32-bit sequence numbers (CmdSN, StatSN, DataSN), as RFC 7143 requires. */
final class SerialNumber {
    private SerialNumber() {
    }

    /** True if {@code a < b} in serial arithmetic. */
    static boolean lessThan(int a, int b) {
        return a != b && (a - b) < 0;
    }

    /** True if {@code a <= b} in serial arithmetic. */
    static boolean lessOrEqual(int a, int b) {
        return a == b || lessThan(a, b);
    }

    /** True if {@code first <= sn <= last} in serial arithmetic. */
    static boolean inWindow(int sn, int first, int last) {
        return lessOrEqual(first, sn) && lessOrEqual(sn, last);
    }
}
