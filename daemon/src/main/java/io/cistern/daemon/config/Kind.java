package io.cistern.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

/**
 * The type of a configuration value, read from its default in reference.conf: a whole number, a
 * boolean, a size ({@code 64M}), a duration ({@code 5s}), a string, a list or an object. A key
 * declared {@code null} has type {@link #ANY}; the rules of its section read it with a type.
 */
enum Kind {
    INTEGER("a whole number"),
    BOOLEAN("true or false"),
    SIZE("a size such as 512, 64K, 20G or 1T"),
    DURATION("a duration such as 500ms, 5s or 2m"),
    STRING("a string"),
    LIST("a list [ ... ]"),
    OBJECT("an object { ... }"),
    ANY("a value");

    private final String expected;

    Kind(String expected) {
        this.expected = expected;
    }

    /** The kind of the values a declared default stands for. */
    static Kind declaredBy(ConfigValue declared) {
        return switch (declared.valueType()) {
            case NUMBER -> INTEGER;
            case BOOLEAN -> BOOLEAN;
            case LIST -> LIST;
            case OBJECT -> OBJECT;
            case NULL -> ANY;
            case STRING -> DURATION.problemWith(declared) == null ? DURATION
                    : SIZE.problemWith(declared) == null ? SIZE : STRING;
        };
    }

    /** Why {@code value} is not of this kind, or null if it is. Sizes and durations must not be negative. */
    String problemWith(ConfigValue value) {
        ConfigValueType type = value.valueType();
        boolean scalar = type != ConfigValueType.OBJECT && type != ConfigValueType.LIST && type != ConfigValueType.NULL;
        if (this == ANY || this == LIST && type == ConfigValueType.LIST || this == OBJECT && type == ConfigValueType.OBJECT) {
            return null;
        }
        if (!scalar) {
            return "expected " + expected + ", not " + describe(value);
        }
        Config one = value.atKey("v");
        try {
            switch (this) {
                case INTEGER -> {
                    Number n = one.getNumber("v");
                    if (!(n instanceof Integer || n instanceof Long)) {
                        return "expected " + expected + ", not " + describe(value);
                    }
                }
                case BOOLEAN -> one.getBoolean("v");
                case SIZE -> {
                    if (one.getBytes("v") < 0) {
                        return "a size cannot be negative: " + describe(value);
                    }
                }
                case DURATION -> {
                    if (one.getDuration("v").isNegative()) {
                        return "a duration cannot be negative: " + describe(value);
                    }
                }
                case STRING -> one.getString("v");
                default -> {
                    return "expected " + expected + ", not " + describe(value);
                }
            }
            return null;
        } catch (ConfigException e) {
            return "expected " + expected + ", not " + describe(value);
        }
    }

    static String describe(ConfigValue value) {
        return switch (value.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NULL -> "null";
            case STRING -> "\"" + value.unwrapped() + "\"";
            default -> String.valueOf(value.unwrapped());
        };
    }
}
