package io.cistern.daemon.config;

/**
 * The naming of Typesafe Config's environment overrides ({@code ConfigFactory.systemEnvironmentOverrides()}):
 * {@code CONFIG_FORCE_} then the key path with {@code _} between elements, {@code __} for {@code -}
 * and {@code ___} for {@code _}.
 */
final class EnvOverride {
    static final String PREFIX = "CONFIG_FORCE_";

    private EnvOverride() {
    }

    /** The variable that sets {@code path}: {@code cistern.iscsi.queue-depth} → {@code CONFIG_FORCE_cistern_iscsi_queue__depth}. */
    static String variable(String path) {
        StringBuilder name = new StringBuilder(PREFIX);
        for (char c : path.toCharArray()) {
            name.append(switch (c) {
                case '.' -> "_";
                case '-' -> "__";
                case '_' -> "___";
                default -> String.valueOf(c);
            });
        }
        return name.toString();
    }
}
