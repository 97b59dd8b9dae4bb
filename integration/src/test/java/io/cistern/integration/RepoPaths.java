package io.cistern.integration;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's scripts are, from {@code -Dcistern.repo} (set by the pom) or the working directory. */
public final class RepoPaths {
    private RepoPaths() {
    }

    public static Path root() {
        String configured = System.getProperty("cistern.repo");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/conformance.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (scripts/conformance.sh); set -Dcistern.repo");
    }

    public static Path script(String name) {
        return root().resolve("scripts").resolve(name);
    }
}
