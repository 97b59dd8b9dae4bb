package io.cistern.target.scsi;

/** Big-endian field access for CDBs and parameter data (SPC-4 3.5: all multi-byte fields are big-endian). */
public final class Fields {

    private Fields() {
    }

    public static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    public static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    public static int u24(byte[] b, int at) {
        return ((b[at] & 0xFF) << 16) | u16(b, at + 1);
    }

    public static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }

    public static long u64(byte[] b, int at) {
        return (u32(b, at) << 32) | u32(b, at + 4);
    }

    /** An allocation or transfer length that may exceed an int, clamped (buffers never get that big). */
    public static int clamp(long length) {
        return (int) Math.min(length, Integer.MAX_VALUE);
    }
}
