package io.cistern.integration;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a test asks of the target under test: one disk LUN of {@code sizeBytes} on {@code backingFile}
 * (created sparse by the target if absent), and optionally CHAP. The target listens on 127.0.0.1 only.
 */
public record TargetSpec(Path backingFile, long sizeBytes, Optional<Chap> chap) {
    public TargetSpec {
        Objects.requireNonNull(backingFile, "backingFile");
        Objects.requireNonNull(chap, "chap");
        if (sizeBytes <= 0 || sizeBytes % (1 << 20) != 0) {
            throw new IllegalArgumentException("size must be a positive whole number of MiB: " + sizeBytes);
        }
    }

    public static TargetSpec of(Path backingFile, long sizeBytes) {
        return new TargetSpec(backingFile, sizeBytes, Optional.empty());
    }

    public TargetSpec withChap(Chap credentials) {
        return new TargetSpec(backingFile, sizeBytes, Optional.of(credentials));
    }
}
