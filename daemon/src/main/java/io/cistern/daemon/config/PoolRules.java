package io.cistern.daemon.config;

import com.typesafe.config.Config;
import io.cistern.thinpool.pool.PoolConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pools: where each lives, that a new one can be created at start, its tunables, and its
 * volumes. Returns what LUNs may name.
 */
final class PoolRules {
    /** The thin pool's dataset names: 1 to 200 of letters, digits and {@code _ . : -}, starting with a letter or digit. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}");

    /** A pool as LUNs see it: whether it exists already, and the volumes the configuration declares. */
    record Declared(boolean exists, Set<String> volumes) {
    }

    private PoolRules() {
    }

    static Map<String, Declared> check(Section cistern, Path dataDir) {
        Map<String, Declared> declared = new LinkedHashMap<>();
        Config volumeDefaults = cistern.config("volume-defaults");
        for (Section pool : cistern.entries("pools", cistern.config("pool-defaults"))) {
            if (!NAME.matcher(pool.name()).matches()) {
                pool.problem("a pool name is 1 to 200 of letters, digits and _ . : -, starting with a letter or digit");
            }
            Optional<PoolPlacement> placement = placement(pool, dataDir);
            boolean exists = placement.map(PoolPlacement::exists).orElse(false);
            placement.filter(p -> !p.exists()).ifPresent(p -> checkNew(pool, p));
            pool.bytes("size");
            pool.number("soft-threshold-percent", 1, 100);
            pool.bytes("metadata-cache");
            pool.bytes("map-cache", 0, 64L << 30);
            pool.bytes("write-back", 0, 64L << 30); // held in the heap
            pool.bytes("dedup-cache", 0, PoolConfig.MAX_DEDUP_CACHE_BYTES);
            pool.bytes("metadata-headroom");
            pool.duration("commit-interval").filter(d -> d.isZero())
                    .ifPresent(d -> pool.problem("commit-interval", "must be longer than 0"));
            pool.number("read-threads", 1, 256);
            if (pool.bool("preallocate").orElse(false) && pool.has("device")) {
                pool.problem("preallocate", "is for a file pool: a block device's space is all there");
            }
            pool.bool("fit-to-filesystem");
            Map<String, Long> reserved = new LinkedHashMap<>();
            Set<String> volumes = new LinkedHashSet<>();
            for (Section volume : pool.entries("volumes", volumeDefaults)) {
                volumes.add(volume.name());
                VolumeRules.check(volume).ifPresent(size -> reserved.put(volume.path(), size));
                VolumeRules.fits(volume, reserved, pool);
            }
            declared.put(pool.name(), new Declared(exists, Set.copyOf(volumes)));
        }
        return declared;
    }

    private static Optional<PoolPlacement> placement(Section pool, Path dataDir) {
        Optional<String> file = pool.string("file");
        Optional<String> device = pool.string("device");
        if (pool.has("file") == pool.has("device")) {
            pool.problem("a pool needs exactly one of file (under data-dir) and device (a whole block device)");
            return Optional.empty();
        }
        Optional<String> meta = pool.string("metadata-dir");
        if (file.isEmpty() && device.isEmpty() || pool.has("metadata-dir") && meta.isEmpty()) {
            return Optional.empty(); // reported
        }
        return Optional.of(PoolPlacement.of(pool.name(), file, device, meta, dataDir));
    }

    /**
     * A pool without metadata is created at start: on a file, only with a size and never over an
     * existing file; on a device that exists (whether it is blank is checked when it is created).
     */
    private static void checkNew(Section pool, PoolPlacement p) {
        if (p.onDevice()) {
            if (!Files.exists(p.storage())) {
                pool.problem("device", "no device " + p.storage() + " (and no pool metadata at " + p.metadata() + ")");
            }
        } else if (Files.exists(p.storage())) {
            pool.problem("file", p.storage() + " exists but the pool's metadata " + p.metadata()
                    + " does not: refusing to overwrite it");
        } else {
            pool.require("size", "the size of the new pool file " + p.storage());
        }
    }
}
