package io.cistern.daemon.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Writes configuration files for tests and reads back the problems {@code cistern check} would print. */
final class ConfigFiles {
    private final Path dir;

    ConfigFiles(Path dir) {
        this.dir = dir;
    }

    /** Writes {@code text} to {@code name}; {@code DATA} in it stands for a data-dir inside the test directory. */
    Path write(String name, String text) {
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, text.replace("DATA", dir.resolve("data").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    Path data() {
        return dir.resolve("data");
    }

    /** The problems of {@code file}, as printed. */
    static List<String> problems(Path file) {
        try {
            return ConfigValidator.problems(ConfigLoader.load(Optional.of(file))).stream().map(ConfigProblem::toString)
                    .toList();
        } catch (InvalidConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
    }
}
