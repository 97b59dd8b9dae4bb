package io.cistern.daemon.command;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The {@code [--config FILE]} option of run and check; without it, the embedded default. */
final class ConfigOption {
    static final String USAGE = "[--config FILE]";

    private ConfigOption() {
    }

    /** @throws IllegalArgumentException on anything but {@code --config FILE} or {@code --config=FILE} */
    static Optional<Path> parse(List<String> args) {
        if (args.isEmpty()) {
            return Optional.empty();
        }
        if (args.size() == 2 && args.get(0).equals("--config") && !args.get(1).isEmpty()) {
            return Optional.of(Path.of(args.get(1)));
        }
        if (args.size() == 1 && args.get(0).startsWith("--config=") && args.get(0).length() > "--config=".length()) {
            return Optional.of(Path.of(args.get(0).substring("--config=".length())));
        }
        throw new IllegalArgumentException(args.get(0).startsWith("--config") ? "--config needs a FILE"
                : "unexpected argument " + args.get(0));
    }
}
