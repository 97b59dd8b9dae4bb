package io.cistern.target.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** CHAP computed in the tests straight from RFC 1994, independent of {@link ChapAlgorithm}. */
final class ChapTestSupport {
    private ChapTestSupport() {}

    static byte[] response(String jcaName, int id, String secret, byte[] challenge) {
        try {
            MessageDigest md = MessageDigest.getInstance(jcaName);
            md.update((byte) id);
            md.update(secret.getBytes(StandardCharsets.UTF_8));
            md.update(challenge);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] unhex(String value) {
        if (!value.startsWith("0x")) {
            throw new AssertionError("not 0x hex: " + value);
        }
        return HexFormat.of().parseHex(value.substring(2));
    }

    static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }
}
