package io.cistern.daemon.config;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The syntax of iSCSI names (RFC 7143 §4.2.7): {@code iqn.YYYY-MM.reversed.domain[:anything]},
 * {@code eui.} and 16 hex digits, {@code naa.} and 16 or 32 hex digits; at most 223 bytes, and in
 * the form RFC 3722's stringprep leaves them (lower case), since initiators compare them as bytes.
 */
final class IscsiName {
    static final int MAX_BYTES = 223;
    private static final Pattern IQN = Pattern.compile("iqn\\.(\\d{4})-(\\d{2})\\.([^:]*)(:.*)?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    /** RFC 3722 keeps letters and digits (after case folding), '-', '.' and ':'; punctuation, spaces and '/' are out. */
    private static final Pattern SUFFIX = Pattern.compile("[\\p{Ll}\\p{Lo}\\p{Nd}.:-]*");
    private static final Pattern EUI = Pattern.compile("eui\\.\\p{XDigit}{16}");
    private static final Pattern NAA = Pattern.compile("naa\\.(\\p{XDigit}{16}|\\p{XDigit}{32})");

    private IscsiName() {
    }

    /** Why {@code name} is not a valid iSCSI name, or null if it is. */
    static String problemWith(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "an iSCSI name is at most " + MAX_BYTES + " bytes";
        }
        if (name.startsWith("eui.")) {
            return EUI.matcher(name).matches() ? null : "an eui. name is eui. and 16 hex digits (eui.02004567A425678D)";
        }
        if (name.startsWith("naa.")) {
            return NAA.matcher(name).matches() ? null : "an naa. name is naa. and 16 or 32 hex digits";
        }
        if (!name.startsWith("iqn.")) {
            return "not an iSCSI name: it starts with iqn., eui. or naa. (iqn.2026-11.com.example:storage)";
        }
        if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
            return "iSCSI names are lower case (RFC 3722): " + name.toLowerCase(java.util.Locale.ROOT);
        }
        Matcher m = IQN.matcher(name);
        if (!m.matches()) {
            return "an iqn. name is iqn.YYYY-MM.reversed.domain[:anything] (iqn.2026-11.com.example:storage)";
        }
        int month = Integer.parseInt(m.group(2));
        if (month < 1 || month > 12) {
            return "month " + m.group(2) + " in the date of an iqn. name is not 01 to 12";
        }
        for (String label : m.group(3).split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return "\"" + m.group(3) + "\" is not a reversed domain name (labels of letters, digits and -)";
            }
        }
        if (m.group(4) != null && !SUFFIX.matcher(m.group(4)).matches()) {
            return "after the domain an iqn. name holds only letters, digits, '.', '-' and ':'";
        }
        return null;
    }
}
