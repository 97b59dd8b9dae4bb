package io.cistern.daemon.config;

import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** A pool's volume: ZFS's geometry rules, and whether its reservation fits in the pool. */
final class VolumeRules {
    static final int MIN_VOLBLOCKSIZE = 4096;
    static final int MAX_VOLBLOCKSIZE = 128 * 1024;

    private VolumeRules() {
    }

    /** Checks {@code volume}; returns its size if it is reserved (not sparse) and valid. */
    static Optional<Long> check(Section volume) {
        if (!PoolRules.NAME.matcher(volume.name()).matches()) {
            volume.problem("a volume name is 1 to 200 of letters, digits and _ . : -, starting with a letter or digit");
        }
        Optional<Long> block = volume.bytes("volblocksize");
        if (block.isPresent() && (block.get() < MIN_VOLBLOCKSIZE || block.get() > MAX_VOLBLOCKSIZE
                || Long.bitCount(block.get()) != 1)) {
            volume.problem("volblocksize", "must be a power of two from 4K to 128K, not " + block.get());
            block = Optional.empty();
        }
        volume.require("size", "the volume's size (volsize)");
        Optional<Long> size = volume.bytes("size");
        if (size.isPresent() && block.isPresent() && size.get() % block.get() != 0) {
            volume.problem("size", "must be a multiple of volblocksize " + block.get() + ", not " + size.get());
            size = Optional.empty();
        }
        parses(volume, "compression", Compression::parse);
        parses(volume, "dedup", Dedup::parse);
        Optional<Boolean> sparse = volume.bool("sparse");
        return sparse.isPresent() && !sparse.get() ? size : Optional.empty();
    }

    /** The pool's own parser judges the value, so the check and the pool never disagree. */
    private static void parses(Section volume, String key, Function<String, ?> parser) {
        volume.string(key).ifPresent(value -> {
            try {
                parser.apply(value);
            } catch (IllegalArgumentException e) {
                volume.problem(key, e.getMessage());
            }
        });
    }

    /**
     * A reserved volume holds its whole size from creation: the reserved volumes of a pool must fit in
     * it. A sparse volume may be larger than its pool (as with {@code zfs create -s}).
     */
    static void fits(Section volume, Map<String, Long> reserved, Section pool) {
        Long own = reserved.get(volume.path());
        Optional<Long> poolSize = pool.has("size") && !pool.has("device") ? pool.bytes("size") : Optional.empty();
        if (own == null || poolSize.isEmpty()) {
            return;
        }
        long total = reserved.values().stream().mapToLong(Long::longValue).sum();
        if (total > poolSize.get()) {
            volume.problem("size", "does not fit: pool " + pool.name() + " is " + poolSize.get()
                    + " bytes and its reserved volumes need " + total + " (sparse = true would not reserve it)");
        }
    }
}
