package io.cistern.target.login;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;

/** Parsing of RFC 7143 §6.1 value forms. Bad input gives an empty result, never an exception. */
final class Values {
    static final String REJECT = "Reject";
    static final String IRRELEVANT = "Irrelevant";
    static final String NOT_UNDERSTOOD = "NotUnderstood";

    private Values() {}

    /** A numerical value: decimal, or hex with a 0x prefix. Empty if malformed or above 2^48. */
    static OptionalLong number(String value) {
        String digits = value;
        int radix = 10;
        if (value.startsWith("0x") || value.startsWith("0X")) {
            digits = value.substring(2);
            radix = 16;
        }
        if (digits.isEmpty() || digits.length() > 16) {
            return OptionalLong.empty();
        }
        long result = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) {
                return OptionalLong.empty();
            }
            result = result * radix + d;
            if (result > 1L << 48) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(result);
    }

    /** Yes or No, exactly as RFC 7143 spells them. */
    static Optional<Boolean> bool(String value) {
        return switch (value) {
            case "Yes" -> Optional.of(true);
            case "No" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    static String bool(boolean value) {
        return value ? "Yes" : "No";
    }

    /** A binary value, "0x" hex (odd digit count allowed, a leading zero implied) or "0b" base64. */
    static Optional<byte[]> binary(String value) {
        if (value.length() < 3) {
            return Optional.empty();
        }
        String prefix = value.substring(0, 2);
        String body = value.substring(2);
        try {
            if (prefix.equalsIgnoreCase("0x")) {
                return Optional.of(HexFormat.of().parseHex(body.length() % 2 == 0 ? body : "0" + body));
            }
            if (prefix.equalsIgnoreCase("0b")) {
                return Optional.of(Base64.getDecoder().decode(body));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
