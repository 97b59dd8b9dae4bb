package io.cistern.cli.format;

import io.cistern.cli.UsageException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as ZFS writes and reads them: {@code zfs_nicebytes} (1024-based, at most 5 characters,
 * "5.24G", "400M", "0B") and {@code zfs_nicestrtonum} ("1.5G", "400m", "8K", "1536MB").
 */
public final class NiceNum {
    private static final String UNITS = "BKMGTPE";
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)([bkmgtpeBKMGTPE]?)([bB]?)");
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private NiceNum() {
    }

    /** zfs_nicebytes: an exact multiple of its unit without decimals, else the most precision in 5 characters. */
    public static String bytes(long n) {
        if (n < 0) {
            return Long.toString(n);
        }
        int index = 0;
        long scaled = n;
        while (scaled >= 1024 && index < UNITS.length() - 1) {
            scaled /= 1024;
            index++;
        }
        String unit = String.valueOf(UNITS.charAt(index));
        long divisor = 1L << (10 * index);
        if (index == 0 || n % divisor == 0) {
            return scaled + unit;
        }
        // The C code tries "%.2f", "%.1f", "%.0f" in turn; printf rounds the exact binary value
        // half to even, which BigDecimal(double) reproduces ("1.12K" for 1152, not "1.13K").
        BigDecimal value = new BigDecimal((double) n / (double) divisor);
        String text = null;
        for (int places = 2; places >= 0; places--) {
            text = value.setScale(places, RoundingMode.HALF_EVEN).toPlainString() + unit;
            if (text.length() <= 5) {
                break;
            }
        }
        return text;
    }

    /**
     * zfs_nicestrtonum: a number with an optional 1024-based suffix (B K M G T P E, either case,
     * optionally followed by B), a fraction only with a suffix.
     *
     * @throws UsageException naming the value when it is not a size
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches() || (!m.group(3).isEmpty() && m.group(2).isEmpty())) {
            throw new UsageException("bad size '" + text + "': expected a number with an optional suffix B, K, M, G, T, P or E");
        }
        String suffix = m.group(2).toUpperCase();
        int shift = suffix.isEmpty() ? 0 : 10 * UNITS.indexOf(suffix);
        if (shift == 0 && m.group(1).contains(".")) {
            throw new UsageException("bad size '" + text + "': a fraction needs a unit (1.5G)");
        }
        BigInteger bytes = new BigDecimal(m.group(1)).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
                .setScale(0, RoundingMode.DOWN).toBigIntegerExact();
        if (bytes.compareTo(MAX) > 0) {
            throw new UsageException("bad size '" + text + "': too large");
        }
        return bytes.longValueExact();
    }
}
