package io.cistern.console.resources;

import io.cistern.console.Appliance;
import io.cistern.console.http.ApiException;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolException;
import java.util.function.Function;

/**
 * A dataset named as ZFS names it, {@code POOL/VOLUME} or {@code POOL/VOLUME@SNAPSHOT}, split into
 * the pool and the name inside it (what {@link Pool} takes).
 */
record DatasetName(String pool, String local) {

    static DatasetName parse(String full) {
        int slash = full.indexOf('/');
        if (slash <= 0 || slash == full.length() - 1) {
            throw ApiException.badRequest("'" + full + "' is not a dataset name (POOL/VOLUME or POOL/VOLUME@SNAPSHOT)");
        }
        return new DatasetName(full.substring(0, slash), full.substring(slash + 1));
    }

    static DatasetName of(String pool, String local) {
        return new DatasetName(pool, local);
    }

    boolean snapshot() {
        return local.indexOf('@') >= 0;
    }

    /** The volume: itself, or the one a snapshot belongs to. */
    DatasetName head() {
        int at = local.indexOf('@');
        return at < 0 ? this : new DatasetName(pool, local.substring(0, at));
    }

    DatasetName requireVolume() {
        if (snapshot()) {
            throw ApiException.badRequest("'" + this + "' is a snapshot, not a volume");
        }
        return this;
    }

    DatasetName requireSnapshot() {
        if (!snapshot()) {
            throw ApiException.badRequest("'" + this + "' is not a snapshot (POOL/VOLUME@SNAPSHOT)");
        }
        return this;
    }

    /** Runs {@code op} on the pool, its failures naming the pool as the client wrote it. */
    <T> T on(Appliance appliance, Function<Pool, T> op) {
        Pool p = appliance.pools().get(pool);
        if (p == null) {
            throw ApiException.notFound("no pool '" + pool + "'");
        }
        try {
            return op.apply(p);
        } catch (PoolException e) {
            throw new PoolException(e.kind(), e.block(), pool + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return pool + "/" + local;
    }
}
