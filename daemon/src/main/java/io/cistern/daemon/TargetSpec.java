package io.cistern.daemon;

import com.typesafe.config.Config;
import io.cistern.daemon.config.PortalAddress;
import io.cistern.target.login.ChapConfig;
import io.cistern.target.login.ChapSecret;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A target as the configuration declares it, comparable with the one running, so that a reload
 * can change only what differs. Read from an already validated configuration.
 *
 * @param key  the short name under {@code targets}
 * @param luns by LUN number
 */
record TargetSpec(String key, String iqn, Optional<String> alias, int portalGroupTag, List<InetSocketAddress> portals,
                  Set<String> acl, Optional<ChapConfig> chap, Map<Long, LunSpec> luns) {

    /** A LUN and what backs it: a pool volume ({@code pool/volume}) or a plain file. */
    record LunSpec(long lun, Optional<String> volume, Optional<String> file, long size, int blockSize,
                   boolean readOnly, Set<String> initiators) {

        /** Same backing: the running backend can be kept (only the masking may differ). */
        boolean sameBacking(LunSpec o) {
            return volume.equals(o.volume) && file.equals(o.file) && blockSize == o.blockSize
                    && readOnly == o.readOnly;
        }

        String backing() {
            return volume.orElseGet(() -> "file:" + file.orElseThrow());
        }
    }

    /** Every target of {@code cistern}, with target-defaults and lun-defaults under each. */
    static List<TargetSpec> all(Config cistern) {
        Config targets = cistern.getConfig("targets");
        List<TargetSpec> specs = new ArrayList<>();
        for (String key : targets.root().keySet()) {
            specs.add(of(key, targets.getConfig(key).withFallback(cistern.getConfig("target-defaults")),
                    cistern.getConfig("lun-defaults")));
        }
        return specs;
    }

    private static TargetSpec of(String key, Config t, Config lunDefaults) {
        Map<Long, LunSpec> luns = new TreeMap<>();
        for (Config lun : t.getConfigList("luns")) {
            Config l = lun.withFallback(lunDefaults);
            long number = l.getLong("lun");
            luns.put(number, new LunSpec(number, optional(l, "volume"), optional(l, "file"),
                    l.hasPath("size") ? l.getBytes("size") : 0, l.getInt("block-size"), l.getBoolean("read-only"),
                    Set.copyOf(l.getStringList("initiators"))));
        }
        List<InetSocketAddress> portals = t.getStringList("portals").stream()
                .map(p -> PortalAddress.parse(p).socketAddress()).toList();
        return new TargetSpec(key, t.getString("iqn"), optional(t, "alias"), t.getInt("portal-group-tag"), portals,
                Set.copyOf(t.getStringList("acl")), chap(t), luns);
    }

    private static Optional<String> optional(Config c, String path) {
        return c.hasPath(path) ? Optional.of(c.getString(path)) : Optional.empty();
    }

    private static Optional<ChapConfig> chap(Config t) {
        if (!t.hasPath("chap.user")) { // target-defaults declares chap with its keys unset
            return Optional.empty();
        }
        Config chap = t.getConfig("chap");
        ChapSecret initiator = new ChapSecret(chap.getString("user"), chap.getString("secret"));
        if (chap.hasPath("mutual-user")) {
            return Optional.of(ChapConfig.mutual(initiator,
                    new ChapSecret(chap.getString("mutual-user"), chap.getString("mutual-secret"))));
        }
        return Optional.of(ChapConfig.oneWay(initiator.name(), initiator.secret()));
    }
}
