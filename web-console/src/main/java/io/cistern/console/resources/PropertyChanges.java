package io.cistern.console.resources;

import io.cistern.console.http.ApiException;
import io.cistern.console.http.Requests;
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The properties a request sets, all checked before any is applied: settable ones typed, read-only
 * and unknown ones refused by name.
 */
record PropertyChanges(OptionalLong volsize, Optional<Boolean> readonly, OptionalInt volblocksize,
                       Optional<Compression> compression, Optional<Dedup> dedup, Optional<Boolean> shareiscsi) {
    private static final Set<String> COMPUTED = Set.of("type", "creation", "used", "available", "referenced",
            "compressratio", "origin", "refreservation", "usedbysnapshots", "usedbydataset", "usedbychildren",
            "usedbyrefreservation", "written", "logicalused", "logicalreferenced", "refcompressratio", "guid");

    /** {@code atCreation}: volblocksize may be chosen (volsize is then a field of its own). */
    static PropertyChanges parse(Object properties, boolean atCreation) {
        if (properties == null) {
            return new PropertyChanges(OptionalLong.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
        }
        if (!(properties instanceof JsonObject p)) {
            throw ApiException.badRequest("'properties' must be a JSON object");
        }
        for (String name : p.fieldNames()) {
            if (COMPUTED.contains(name)) {
                throw ApiException.badRequest("property '" + name + "' is read-only"
                        + (name.equals("refreservation") ? " (a volume is reserved unless created sparse)" : ""));
            }
            switch (name) {
                case "volblocksize" -> {
                    if (!atCreation) {
                        throw ApiException.badRequest("property 'volblocksize' is fixed at creation");
                    }
                }
                case "volsize" -> {
                    if (atCreation) {
                        throw ApiException.badRequest("give volsize as the 'volsize' field, not as a property");
                    }
                }
                case "readonly", "shareiscsi", "compression", "dedup" -> { }
                default -> throw ApiException.badRequest("unknown property '" + name + "'");
            }
        }
        OptionalLong blocksize = Requests.bytes(p, "volblocksize");
        if (blocksize.isPresent() && blocksize.getAsLong() > Integer.MAX_VALUE) {
            throw ApiException.badRequest("volblocksize too large: " + blocksize.getAsLong());
        }
        return new PropertyChanges(Requests.bytes(p, "volsize"), Requests.flag(p, "readonly"),
                blocksize.isPresent() ? OptionalInt.of((int) blocksize.getAsLong()) : OptionalInt.empty(),
                word(p, "compression", Compression::parse), word(p, "dedup", Dedup::parse), Requests.flag(p, "shareiscsi"));
    }

    /** A property given as a word ("lz4", "verify"), as the pool reads it. */
    private static <T> Optional<T> word(JsonObject p, String name, Function<String, T> parse) {
        Object v = p.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw ApiException.badRequest("'" + name + "' must be a string: " + v);
        }
        try {
            return Optional.of(parse.apply(s));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * Applies the pool's changes to volume {@code local} (shareiscsi is the appliance's: see
     * {@link DatasetResource}): readonly=off first (a read-only volume cannot be
     * resized), readonly=on last; if the resize is refused, readonly goes back, so nothing changed.
     */
    void apply(Pool pool, String local) {
        boolean wasReadonly = pool.properties(local).readonly();
        boolean unlock = readonly.isPresent() && !readonly.get() && wasReadonly;
        if (unlock) {
            pool.setReadonly(local, false);
        }
        try {
            if (volsize.isPresent()) {
                pool.setVolsize(local, volsize.getAsLong());
            }
        } catch (PoolException e) {
            if (unlock) {
                pool.setReadonly(local, true);
            }
            throw e;
        }
        compression.ifPresent(c -> pool.setCompression(local, c));
        dedup.ifPresent(d -> pool.setDedup(local, d));
        if (readonly.isPresent() && readonly.get() && !wasReadonly) {
            pool.setReadonly(local, true);
        }
    }
}
