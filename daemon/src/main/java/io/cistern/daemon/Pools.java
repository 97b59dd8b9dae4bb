package io.cistern.daemon;

import com.typesafe.config.Config;
import io.cistern.daemon.config.PoolPlacement;
import io.cistern.thinpool.compress.Compression;
import io.cistern.thinpool.dedup.Dedup;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.cistern.thinpool.pool.PoolException;
import io.cistern.thinpool.pool.Volume;
import io.cistern.thinpool.pool.VolumeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin pools of the appliance, opened (or created on first start) from the {@code pools}
 * section of the configuration, with the volumes it declares created if missing.
 */
final class Pools implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pools.class);

    /** The least a fitted pool may be: room for a small volume and the metadata slop. */
    private static final long MIN_FITTED = 64L << 20;

    private final Map<String, Pool> pools = new LinkedHashMap<>();

    /** What each open pool was opened with, to tell a reload which changes need a restart. */
    private final Map<String, Config> openedWith = new LinkedHashMap<>();

    /** Opens every configured pool; on failure closes those already open. */
    static Pools open(Config cistern, Path dataDir) throws IOException {
        Pools opened = new Pools();
        try {
            opened.reload(cistern, dataDir);
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * Opens (or creates) the pools that are not open yet and creates declared volumes that are
     * missing. Never closes nor destroys anything: a pool gone from the configuration, or one whose
     * settings changed, is reported and stays as it is until a restart. Returns what changed.
     */
    synchronized List<String> reload(Config cistern, Path dataDir) throws IOException {
        List<String> changes = new ArrayList<>();
        Config all = cistern.getConfig("pools");
        for (String name : all.root().keySet()) {
            Config p = all.getConfig(name).withFallback(cistern.getConfig("pool-defaults"));
            Pool pool = pools.get(name);
            if (pool == null) {
                pool = openOrCreate(name, p, dataDir);
                pools.put(name, pool);
                openedWith.put(name, p.withoutPath("volumes"));
                changes.add("pool opened: " + name);
            } else if (!openedWith.get(name).equals(p.withoutPath("volumes"))) {
                changes.add("pool " + name + ": settings changed; they apply after a restart");
            }
            Config volumes = p.getConfig("volumes");
            for (String volume : volumes.root().keySet()) {
                Config v = volumes.getConfig(volume).withFallback(cistern.getConfig("volume-defaults"));
                if (ensureVolume(pool, name, volume, v)) {
                    changes.add("volume created: " + name + "/" + volume);
                }
            }
        }
        for (String name : pools.keySet()) {
            if (!all.hasPath(name)) {
                changes.add("pool " + name + ": no longer configured; it stays open until a restart");
            }
        }
        return changes;
    }

    private static Pool openOrCreate(String name, Config p, Path dataDir) throws IOException {
        PoolConfig tunables = new PoolConfig(PoolConfig.defaults().allocator(), p.getBytes("metadata-cache"),
                p.getDuration("commit-interval").toMillis(), PoolConfig.defaults().maxBatchKeys(),
                p.getInt("soft-threshold-percent"), p.getInt("read-threads"), p.getBytes("map-cache"),
                p.getBytes("dedup-cache"),
                p.hasPath("metadata-headroom") ? p.getBytes("metadata-headroom") : PoolConfig.AUTO,
                p.getBytes("write-back"));
        PoolPlacement placement = PoolPlacement.of(name, p, dataDir);
        Path metaDir = placement.metadata();
        Path storage = placement.storage();
        boolean preallocate = p.getBoolean("preallocate");
        if (placement.exists()) {
            log.info("pool {}: opening {}{} (metadata {})", name, storage, preallocate ? ", preallocated" : "", metaDir);
            return Pool.openDevice(storage, preallocate, metaDir, tunables);
        }
        if (placement.onDevice()) {
            log.info("pool {}: creating on block device {} (metadata {})", name, storage, metaDir);
            return Pool.createOnDevice(storage, metaDir, tunables); // refused unless the device is blank
        }
        // Validated: a new file pool has a size and no file yet (createOnFile refuses one that exists).
        Files.createDirectories(storage.toAbsolutePath().getParent());
        long size = p.getBytes("size");
        if (p.getBoolean("fit-to-filesystem") && !preallocate) {
            size = fitted(name, storage, size);
        }
        log.info("pool {}: creating {} ({} bytes, {})", name, storage, size, preallocate ? "preallocated" : "sparse");
        return Pool.createOnFile(storage, size, preallocate, metaDir, tunables);
    }

    /** {@code size}, or 90% of the free space under {@code storage} if that is less (whole MiB). */
    private static long fitted(String name, Path storage, long size) throws IOException {
        long free = Files.getFileStore(storage.toAbsolutePath().getParent()).getUsableSpace();
        long room = free / 10 * 9 & -(1L << 20);
        if (room >= size) {
            return size;
        }
        if (room < MIN_FITTED) {
            throw new IOException("pool " + name + ": only " + free + " bytes free under " + storage.getParent()
                    + ", too little for a pool");
        }
        log.warn("pool {}: {} bytes asked but only {} free on the file system; creating {} bytes", name, size, free,
                room);
        return room;
    }

    /** Creates a declared volume if it does not exist; true if it was created. */
    private static boolean ensureVolume(Pool pool, String poolName, String volume, Config v) {
        try {
            pool.volume(volume);
            return false;
        } catch (PoolException e) {
            if (e.kind() != PoolException.Kind.NOT_FOUND) {
                throw e;
            }
        }
        long size = v.getBytes("size");
        VolumeSpec spec = (v.getBoolean("sparse") ? VolumeSpec.sparse(size) : VolumeSpec.reserved(size))
                .withVolblocksize((int) v.getBytes("volblocksize").longValue())
                .withCompression(Compression.parse(v.getString("compression")))
                .withDedup(Dedup.parse(v.getString("dedup")));
        pool.createVolume(volume, spec);
        log.info("pool {}: created {} volume {} ({} bytes)", poolName, v.getBoolean("sparse") ? "sparse" : "reserved",
                volume, size);
        return true;
    }

    /** The open pools by name. */
    synchronized Map<String, Pool> all() {
        return new LinkedHashMap<>(pools);
    }

    synchronized Pool pool(String name) {
        Pool pool = pools.get(name);
        if (pool == null) {
            throw new IllegalArgumentException("no pool " + name);
        }
        return pool;
    }

    /** The pool and volume a LUN names as {@code pool/volume}. */
    synchronized Map.Entry<Pool, Volume> volume(String path) {
        int slash = path.indexOf('/');
        Pool pool = slash < 0 ? null : pools.get(path.substring(0, slash));
        if (pool == null) {
            throw new IllegalArgumentException("LUN volume " + path + ": no pool " + (slash < 0 ? path
                    : path.substring(0, slash)) + " (write it as pool/volume)");
        }
        return Map.entry(pool, pool.volume(path.substring(slash + 1)));
    }

    @Override
    public synchronized void close() {
        pools.forEach((name, pool) -> {
            try {
                pool.close();
            } catch (IOException | RuntimeException e) {
                log.error("pool {}: close failed: {}", name, e.toString());
            }
        });
        pools.clear();
        openedWith.clear();
    }
}
