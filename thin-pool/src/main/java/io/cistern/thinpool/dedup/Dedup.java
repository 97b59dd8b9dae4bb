package io.cistern.thinpool.dedup;

import java.util.Locale;

/**
 * A volume's {@code dedup} property, as ZFS names its values. It may change at any time and applies
 * to blocks written afterwards; the table spans every volume of the pool.
 */
public enum Dedup {
    /** Blocks are neither looked up nor entered in the table. */
    OFF,
    /** A block whose SHA-256 matches an entry shares that entry's stored block. */
    ON,
    /** As ON, but only after comparing the bytes; a mismatch (a collision) is stored on its own. */
    VERIFY;

    public static Dedup parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "off" -> OFF;
            case "on", "sha256" -> ON;
            case "verify", "sha256,verify" -> VERIFY;
            default -> throw new IllegalArgumentException("bad dedup '" + value + "': expected off, on or verify");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
