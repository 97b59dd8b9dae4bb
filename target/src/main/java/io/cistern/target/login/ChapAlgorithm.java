package io.cistern.target.login;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * CHAP_A hash algorithms, numbered as in the IANA PPP authentication algorithms registry and as
 * open-iscsi and Linux LIO use them. Declared weakest first, so a larger ordinal is stronger.
 */
public enum ChapAlgorithm {
    MD5(5, "MD5", 16),
    SHA1(6, "SHA-1", 20),
    SHA256(7, "SHA-256", 32),
    SHA3_256(8, "SHA3-256", 32);

    private final int code;
    private final String jcaName;
    private final int digestLength;

    ChapAlgorithm(int code, String jcaName, int digestLength) {
        this.code = code;
        this.jcaName = jcaName;
        this.digestLength = digestLength;
    }

    /** The CHAP_A number. */
    public int code() {
        return code;
    }

    public int digestLength() {
        return digestLength;
    }

    /** Challenge length in bytes: as long as the digest, never under 16 (RFC 7143 §12.1.3 wants unpredictable, long challenges). */
    public int challengeLength() {
        return Math.max(16, digestLength);
    }

    public static Optional<ChapAlgorithm> ofCode(long code) {
        for (ChapAlgorithm a : values()) {
            if (a.code == code) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** RFC 1994 §4.1: H(identifier || secret || challenge). */
    public byte[] response(int identifier, byte[] secret, byte[] challenge) {
        MessageDigest md = newDigest();
        md.update((byte) identifier);
        md.update(secret);
        md.update(challenge);
        return md.digest();
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            // Every Java 17 runtime must provide these four (java.security.MessageDigest docs).
            throw new IllegalStateException(jcaName + " missing from this JRE", e);
        }
    }
}
