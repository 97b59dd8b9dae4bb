package io.cistern.daemon;

import com.typesafe.config.Config;
import io.cistern.daemon.TargetSpec.LunSpec;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Volumes exported with {@code shareiscsi=on} (after the OpenSolaris zfs property): each is a LUN of
 * the configured {@code share-target}, added to what the configuration declares. The property and the
 * LUN number live with the volume in its pool, so an export follows a rename, ends with a destroy and
 * survives restarts; the configuration files stay as the operator wrote them.
 */
final class Shares {
    static final String PROPERTY = "shareiscsi";
    /** The LUN number the volume was given when first shared: initiators keep seeing it there. */
    static final String LUN_PROPERTY = "io.cistern:lun";

    private Shares() {
    }

    /** {@code configured} with every shared volume added to the share target as a LUN. */
    static List<TargetSpec> withShares(List<TargetSpec> configured, Config cistern, Pools pools) {
        if (!cistern.hasPath("share-target")) {
            return configured;
        }
        String key = cistern.getString("share-target");
        List<TargetSpec> result = new ArrayList<>();
        for (TargetSpec spec : configured) {
            result.add(spec.key().equals(key) ? addShares(spec, cistern, pools) : spec);
        }
        return result;
    }

    private static TargetSpec addShares(TargetSpec spec, Config cistern, Pools pools) {
        Map<Long, LunSpec> luns = new TreeMap<>(spec.luns());
        Set<String> mapped = new HashSet<>();
        luns.values().forEach(l -> l.volume().ifPresent(mapped::add));
        // Volumes keep the LUN they were given; only then do new exports take the free numbers.
        Map<String, Map.Entry<Pool, String>> unnumbered = new TreeMap<>();
        Config d = cistern.getConfig("lun-defaults");
        for (Map.Entry<String, Pool> pool : pools.all().entrySet()) {
            for (String name : pool.getValue().list()) {
                String path = pool.getKey() + "/" + name;
                Map<String, String> props = pool.getValue().userProperties(name);
                if (!"on".equals(props.get(PROPERTY)) || mapped.contains(path)) {
                    continue;
                }
                Optional<Long> kept = Optional.ofNullable(props.get(LUN_PROPERTY)).map(Long::parseLong)
                        .filter(n -> !luns.containsKey(n));
                if (kept.isPresent()) {
                    luns.put(kept.get(), lun(kept.get(), path, d));
                } else {
                    unnumbered.put(path, Map.entry(pool.getValue(), name));
                }
            }
        }
        unnumbered.forEach((path, volume) -> {
            long lun = nextFree(luns);
            volume.getKey().setUserProperty(volume.getValue(), LUN_PROPERTY, String.valueOf(lun));
            luns.put(lun, lun(lun, path, d));
        });
        return new TargetSpec(spec.key(), spec.iqn(), spec.alias(), spec.portalGroupTag(), spec.portals(), spec.acl(),
                spec.chap(), luns);
    }

    /**
     * Turns the export of {@code pool/volume} on or off (the caller then applies the targets again).
     * Everything it refuses is checked before anything changes.
     *
     * @throws IllegalStateException without a share target, or for a volume {@code configured} maps: only the
     *     configuration changes its own LUNs
     */
    static void set(Pools pools, Config cistern, List<TargetSpec> configured, String path, boolean on) {
        if (!cistern.hasPath("share-target")) {
            throw new IllegalStateException("shareiscsi needs a share-target in the configuration (cistern.share-target)");
        }
        var volume = pools.volume(path);
        if (volume.getValue().snapshot()) {
            throw new PoolException(PoolException.Kind.INVALID_ARGUMENT, "shareiscsi applies to volumes, not snapshots");
        }
        for (TargetSpec spec : configured) {
            for (LunSpec lun : spec.luns().values()) {
                if (lun.volume().map(path::equals).orElse(false)) {
                    throw new IllegalStateException("'" + path + "' is LUN " + lun.lun() + " of target " + spec.key()
                            + " in the configuration; change it there");
                }
            }
        }
        String name = volume.getValue().name();
        volume.getKey().setUserProperty(name, PROPERTY, on ? "on" : null);
        if (!on) {
            volume.getKey().setUserProperty(name, LUN_PROPERTY, null);
        }
    }

    private static LunSpec lun(long lun, String path, Config lunDefaults) {
        return new LunSpec(lun, Optional.of(path), Optional.empty(), 0, lunDefaults.getInt("block-size"), false, Set.of());
    }

    private static long nextFree(Map<Long, LunSpec> luns) {
        long n = 0;
        while (luns.containsKey(n)) {
            n++;
        }
        return n;
    }
}
