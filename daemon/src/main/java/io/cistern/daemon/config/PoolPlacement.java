package io.cistern.daemon.config;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a pool lives: its file under data-dir or its block device, and its metadata directory
 * ({@code metadata-dir}, or {@code <name>.meta} under data-dir). A pool exists once its metadata does.
 */
public record PoolPlacement(Path storage, boolean onDevice, Path metadata) {
    /** @param pool a validated pool entry with pool-defaults under it */
    public static PoolPlacement of(String name, Config pool, Path dataDir) {
        return of(name, optional(pool, "file"), optional(pool, "device"), optional(pool, "metadata-dir"), dataDir);
    }

    /** @param file a file under {@code dataDir}, or else {@code device} */
    static PoolPlacement of(String name, Optional<String> file, Optional<String> device, Optional<String> metadataDir,
            Path dataDir) {
        Path storage = device.map(Path::of).orElseGet(() -> dataDir.resolve(file.orElseThrow()));
        return new PoolPlacement(storage, device.isPresent(), dataDir.resolve(metadataDir.orElse(name + ".meta")));
    }

    private static Optional<String> optional(Config pool, String key) {
        return pool.hasPath(key) ? Optional.of(pool.getString(key)) : Optional.empty();
    }

    public boolean exists() {
        return Files.exists(metadata);
    }
}
