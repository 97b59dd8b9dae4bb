package io.cistern.thinpool.compress;

import java.util.Locale;

/**
 * A volume's {@code compression} property, as ZFS names its values: {@code off}, {@code lz4},
 * {@code zstd} (level 3, zstd's and ZFS's default) or {@code zstd-1} ... {@code zstd-19}. It may
 * change at any time and applies to blocks written afterwards; blocks already written keep the
 * {@link Codec} they were stored with.
 *
 * @param codec {@link Codec#RAW} for {@code off}
 * @param level zstd's level (1..19); 0 for off and lz4
 */
public record Compression(Codec codec, int level) {
    public static final Compression OFF = new Compression(Codec.RAW, 0);
    public static final Compression LZ4 = new Compression(Codec.LZ4, 0);
    public static final Compression ZSTD = new Compression(Codec.ZSTD, 3);
    /** What a new volume gets, as in ZFS since 2.2 ({@code compression=on} means lz4). */
    public static final Compression DEFAULT = LZ4;
    public static final int ZSTD_MAX_LEVEL = 19;

    public Compression {
        if (codec == null) {
            throw new IllegalArgumentException("compression codec is null");
        }
        boolean levelled = codec == Codec.ZSTD;
        if (levelled ? level < 1 || level > ZSTD_MAX_LEVEL : level != 0) {
            throw new IllegalArgumentException("compression " + codec + " with level " + level);
        }
    }

    /**
     * Parses a property value (case-insensitive; {@code on} is lz4, as in ZFS).
     *
     * @throws IllegalArgumentException naming the valid values
     */
    public static Compression parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "off":
                return OFF;
            case "on":
            case "lz4":
                return LZ4;
            case "zstd":
                return ZSTD;
            default:
                break;
        }
        if (v.startsWith("zstd-")) {
            String digits = v.substring(5);
            if (!digits.isEmpty() && digits.length() <= 2 && digits.chars().allMatch(Character::isDigit)) {
                int level = Integer.parseInt(digits);
                if (level >= 1 && level <= ZSTD_MAX_LEVEL) {
                    return new Compression(Codec.ZSTD, level);
                }
            }
        }
        throw new IllegalArgumentException("bad compression '" + value
                + "': expected off, on, lz4, zstd or zstd-1 ... zstd-" + ZSTD_MAX_LEVEL);
    }

    public boolean off() {
        return codec == Codec.RAW;
    }

    /** The canonical property value ({@code zstd} for zstd-3, as ZFS shows it). */
    @Override
    public String toString() {
        return switch (codec) {
            case RAW -> "off";
            case LZ4 -> "lz4";
            case ZSTD -> level == 3 ? "zstd" : "zstd-" + level;
        };
    }
}
